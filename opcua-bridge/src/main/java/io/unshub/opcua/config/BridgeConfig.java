package io.unshub.opcua.config;

import java.util.List;

/** Everything {@code opcua.yaml} configures (immutable); no connections when the default file is absent. */
public record BridgeConfig(String source, List<ConnectionConfig> connections) {

    public static final BridgeConfig EMPTY = new BridgeConfig("(none)", List.of());

    public BridgeConfig {
        connections = List.copyOf(connections);
    }
}
