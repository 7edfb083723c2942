package io.unshub.sparkplug.model;

/**
 * Describes a large or binary metric value; every field is {@code null} when absent.
 * {@code seq} is the part number of a multi-part value, unrelated to the payload's seq.
 */
public record MetaData(Boolean isMultiPart, String contentType, Long size, Long seq, String fileName,
                       String fileType, String md5, String description) {

    public static MetaData ofFile(String fileName, String fileType) {
        return new MetaData(null, null, null, null, fileName, fileType, null, null);
    }
}
