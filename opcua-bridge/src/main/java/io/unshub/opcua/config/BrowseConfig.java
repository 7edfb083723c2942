package io.unshub.opcua.config;

/**
 * A subtree imported by browsing: every Variable below {@code root} (up to {@code depth} levels) becomes a tag
 * whose path is {@code tagPrefix} followed by the browse names on the way down.
 *
 * @param references {@code hierarchical} follows every hierarchical reference, {@code organizes} only Organizes
 *                   and HasComponent
 */
public record BrowseConfig(String root, int depth, References references, String tagPrefix, ItemSettings item) {

    public enum References { hierarchical, organizes }
}
