package io.unshub.hub.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The OPC UA bridge ({@code uns.opcua.*}). The connections themselves live in a YAML file
 * ({@code <uns.config-dir>/opcua.yaml}, see docs/opcua.md); the PKI lives under {@code <uns.data-dir>/opcua/pki}.
 */
@ConfigMapping(prefix = "uns.opcua")
public interface OpcUaConfig {

    /** Starts the bridge; default true (it does nothing without connections). */
    @WithDefault("true")
    boolean enabled();

    /**
     * The connections file; unset = {@code <uns.config-dir>/opcua.yaml}, which may be absent (no connections).
     * A file set here must exist.
     */
    Optional<String> file();

    /** The application URI in the hub's OPC UA certificate; default {@code urn:unshub:uns-hub}. */
    @WithDefault("urn:unshub:uns-hub")
    String applicationUri();

    /** The PKI directory; unset = {@code <uns.data-dir>/opcua/pki}. */
    Optional<String> pkiDir();

    /** How long shutdown waits for each session to close; default 2s. */
    @WithDefault("2s")
    Duration stopTimeout();

    /**
     * TCP port of the demo profile's simulated PLC ({@code opc.tcp://127.0.0.1:<port>/uns-demo-plc}, only with
     * {@code uns.demo=true}); default 4840. {@code opcua.yaml} can refer to it as {@code ${uns.opcua.demo-plc-port}}.
     */
    @WithDefault("4840")
    int demoPlcPort();
}
