package io.unshub.opcua.config;

/**
 * One explicitly configured tag.
 *
 * @param nodeId the node, preferably {@code nsu=<namespace uri>;s=...} (indexes may change on a server restart)
 * @param tag    the tag path under the connection's location ({@code cell1/_edge/temperature})
 * @param unit   engineering unit written into every value, or {@code null}
 */
public record TagConfig(String nodeId, String tag, String unit, ItemSettings item) {
}
