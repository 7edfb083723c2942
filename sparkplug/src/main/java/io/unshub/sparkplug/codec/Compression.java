package io.unshub.sparkplug.codec;

import io.unshub.schemas.sparkplug.proto.SparkplugB;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Tahu's compression wrapper (not in the specification, digest §2.7): the outer payload has
 * {@code uuid = "SPBV1.0_COMPRESSED"}, the encoded inner payload DEFLATE (zlib, the default) or GZIP compressed
 * in {@code body}, and optionally a String metric {@code algorithm} naming which.
 */
final class Compression {

    static final String COMPRESSED_UUID = "SPBV1.0_COMPRESSED";
    static final String ALGORITHM_METRIC = "algorithm";

    private Compression() {
    }

    static boolean isCompressed(SparkplugB.Payload payload) {
        return payload.hasUuid() && COMPRESSED_UUID.equals(payload.getUuid());
    }

    static byte[] inflate(SparkplugB.Payload payload, int maxBytes) throws MalformedException {
        if (!payload.hasBody()) {
            throw new MalformedException("compressed payload (" + COMPRESSED_UUID + ") without a body");
        }
        String algorithm = algorithm(payload);
        try (InputStream in = switch (algorithm) {
            case "DEFLATE" -> new InflaterInputStream(payload.getBody().newInput());
            case "GZIP" -> new GZIPInputStream(payload.getBody().newInput());
            default -> throw new MalformedException("compressed payload with unknown algorithm '" + algorithm + "'");
        }) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, payload.getBody().size() * 4));
            byte[] chunk = new byte[8192];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                if (out.size() + n > maxBytes) {
                    throw new MalformedException("compressed payload inflates beyond " + maxBytes + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new MalformedException("compressed payload does not inflate (" + algorithm + "): " + e.getMessage());
        }
    }

    /** The wrapper's algorithm, upper case: its {@code algorithm} metric, DEFLATE without one. */
    static String algorithm(SparkplugB.Payload payload) {
        String algorithm = "DEFLATE";
        for (SparkplugB.Payload.Metric metric : payload.getMetricsList()) {
            if (ALGORITHM_METRIC.equals(metric.getName()) && metric.hasStringValue()) {
                algorithm = metric.getStringValue().toUpperCase(java.util.Locale.ROOT);
            }
        }
        return algorithm;
    }
}
