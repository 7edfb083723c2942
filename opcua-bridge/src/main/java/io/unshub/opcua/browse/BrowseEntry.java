package io.unshub.opcua.browse;

/**
 * One child of a browsed node, for REST and for building tag paths.
 *
 * @param nodeId      parseable, with the namespace URI ({@code nsu=...;s=...}) where the server has one
 * @param browseName  the browse name without namespace index
 * @param nodeClass   Object, Variable, Method, ...
 */
public record BrowseEntry(String nodeId, String browseName, String displayName, String nodeClass) {
}
