package io.unshub.opcua.connection;

/** A tag whose monitored item the server refused (or whose node could not be resolved), and why. */
public record ItemFailure(String topic, String nodeId, String reason) {
}
