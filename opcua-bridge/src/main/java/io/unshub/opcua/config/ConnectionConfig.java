package io.unshub.opcua.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One OPC UA server the hub connects to, as {@code opcua.yaml} describes it (immutable).
 *
 * @param name             unique name, used in REST paths, metrics and the {@code _meta} state topic
 * @param endpoint         the discovery URL, {@code opc.tcp://host:port/path}
 * @param overrideHostname connect to the host and port of {@code endpoint} even when the server advertises
 *                         another one (NAT, Docker)
 * @param location         the ISA-95 location the tags are published under ({@code acme/plant1/press/line1})
 * @param publishingIntervalMs the subscription's publishing interval
 * @param maxItemsPerCall  monitored items created per CreateMonitoredItems call
 * @param timestamp        which DataValue timestamp becomes {@code timestamp_ms}
 */
public record ConnectionConfig(
        String name,
        String endpoint,
        boolean overrideHostname,
        String location,
        Security security,
        Auth auth,
        Session session,
        Reconnect reconnect,
        double publishingIntervalMs,
        int maxItemsPerCall,
        TimestampSource timestamp,
        List<TagConfig> tags,
        List<BrowseConfig> browses,
        List<WriteConfig> writes) {

    public ConnectionConfig {
        tags = List.copyOf(tags);
        browses = List.copyOf(browses);
        writes = List.copyOf(writes);
    }

    /** The topic of the connection's state, retained: {@code <location>/_meta/opcua/<name>/state}. */
    public String stateTopic() {
        return location + "/_meta/opcua/" + name + "/state";
    }

    public enum TimestampSource { source, server }

    /** The security policies the hub offers; the names are those of the OPC UA specification. */
    public enum Policy { None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss }

    public enum Mode { None, Sign, SignAndEncrypt }

    /**
     * @param trustDir        directory of trusted server certificates (DER or PEM); {@code null} = the PKI default
     * @param trustOnFirstUse trust (and store) the first certificate a server presents when none is trusted yet
     */
    public record Security(Policy policy, Mode mode, Path trustDir, boolean trustOnFirstUse) {
    }

    public enum AuthType { anonymous, username, x509 }

    /** Who the hub is to the server. Secrets are never printed. */
    public record Auth(AuthType type, String username, String password, Path keyStore, String keyStorePassword,
                       String alias) {
        @Override
        public String toString() {
            return "Auth[" + type + (username == null ? "" : ", username=" + username) + "]";
        }
    }

    /** Session, keep-alive and request timing, all in milliseconds. */
    public record Session(long timeoutMs, long requestTimeoutMs, long keepAliveMs, int keepAliveFailures) {
    }

    /** Exponential back-off between connection attempts with {@code jitter} (0..1) spread. */
    public record Reconnect(long initialMs, long maxMs, double jitter) {
    }
}
