package io.unshub.broker.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Everything the broker can be told, as one immutable value. The hub maps its {@code uns.mqtt.*}
 * configuration onto this; tests build it with {@link #defaults()} and the {@code with*} methods.
 *
 * @param host                     interface to bind, {@code 0.0.0.0} for all
 * @param port                     MQTT over TCP; 0 binds an ephemeral port, -1 disables the listener
 * @param wsPort                   MQTT over WebSocket; 0 binds an ephemeral port, -1 disables it
 * @param wsPath                   the WebSocket path, e.g. {@code /mqtt}
 * @param maxPacketSize            largest packet accepted, in bytes, announced to MQTT 5 clients
 * @param maxClientIdLength        longest client identifier accepted, in characters
 * @param maxKeepAliveSeconds      keep alive imposed on clients asking for more (0 = never disconnect idle clients) is
 *                                 capped to this; MQTT 5 clients learn it as server keep alive
 * @param receiveMaximum           QoS 1/2 publishes a client may have unacknowledged towards us
 * @param topicAliasMaximum        topic aliases a client may use towards us (0 = none)
 * @param maxSessionExpirySeconds  cap on the session expiry a client asks for; {@link #NEVER_EXPIRE} for none
 * @param maxQueuedMessages        QoS 1/2 messages queued per session beyond the in-flight window; when full,
 *                                 new messages for that session are dropped and counted
 * @param queueQos0WhileOffline    whether QoS 0 messages are queued for offline persistent sessions; such a queue
 *                                 is kept in memory only (QoS 0 promises at most once), never in the store
 * @param writeBufferHighWaterMark bytes buffered per connection before it counts as slow; QoS 0 messages to a
 *                                 slow connection are dropped and counted, QoS 1/2 wait in the session queue
 * @param sysInterval              how often $SYS statistics are published ({@link Duration#ZERO} = off)
 * @param nodeName                 this broker's name in $SYS topics
 * @param serverReference          when set, every CONNECT is redirected to this server (MQTT 5 only)
 * @param serverMovedPermanently   redirect with 0x9D (server moved) rather than 0x9C (use another server)
 * @param allowEmptyClientId       whether clients may connect without an identifier (one is assigned)
 * @param ioThreads                event loop threads; 0 = one per available core
 * @param tls                      the TLS listeners ({@link TlsSettings#OFF} for none)
 * @param limits                   per-client and per-address limits ({@link ClientLimits#UNLIMITED} for none)
 */
public record BrokerConfig(
        String host,
        int port,
        int wsPort,
        String wsPath,
        int maxPacketSize,
        int maxClientIdLength,
        int maxKeepAliveSeconds,
        int receiveMaximum,
        int topicAliasMaximum,
        long maxSessionExpirySeconds,
        int maxQueuedMessages,
        boolean queueQos0WhileOffline,
        int writeBufferHighWaterMark,
        Duration sysInterval,
        String nodeName,
        Optional<String> serverReference,
        boolean serverMovedPermanently,
        boolean allowEmptyClientId,
        int ioThreads,
        TlsSettings tls,
        ClientLimits limits) {

    /** Session expiry meaning "never" (MQTT 5: 0xFFFFFFFF). */
    public static final long NEVER_EXPIRE = 0xFFFF_FFFFL;
    /** The largest packet MQTT can express: 268,435,455 bytes of remaining length plus the fixed header. */
    public static final int MQTT_MAX_PACKET_SIZE = 268_435_460;
    public static final int DISABLED = -1;

    public BrokerConfig {
        requireRange("maxPacketSize", maxPacketSize, 64, MQTT_MAX_PACKET_SIZE);
        requireRange("maxClientIdLength", maxClientIdLength, 23, 65_535);
        requireRange("maxKeepAliveSeconds", maxKeepAliveSeconds, 0, 65_535);
        requireRange("receiveMaximum", receiveMaximum, 1, 65_535);
        requireRange("topicAliasMaximum", topicAliasMaximum, 0, 65_535);
        requireRange("maxQueuedMessages", maxQueuedMessages, 0, Integer.MAX_VALUE);
        requireRange("port", port, DISABLED, 65_535);
        requireRange("wsPort", wsPort, DISABLED, 65_535);
        requireRange("ioThreads", ioThreads, 0, 1024);
        if (maxSessionExpirySeconds < 0 || maxSessionExpirySeconds > NEVER_EXPIRE) {
            throw new IllegalArgumentException("maxSessionExpirySeconds must be 0.." + NEVER_EXPIRE);
        }
        if (wsPath == null || !wsPath.startsWith("/")) {
            throw new IllegalArgumentException("wsPath must start with '/', was " + wsPath);
        }
        if (sysInterval == null || sysInterval.isNegative()) {
            throw new IllegalArgumentException("sysInterval must be zero or positive");
        }
        serverReference = serverReference == null ? Optional.empty() : serverReference;
        tls = tls == null ? TlsSettings.OFF : tls;
        limits = limits == null ? ClientLimits.UNLIMITED : limits;
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** The hub's defaults: the product contract's ports and limits generous enough for Sparkplug births. */
    public static BrokerConfig defaults() {
        return new BrokerConfig("0.0.0.0", 1883, 8083, "/mqtt", 16 * 1024 * 1024, 256, 3600, 1024, 1024,
                NEVER_EXPIRE, 10_000, false, 1024 * 1024, Duration.ofSeconds(10), "uns-hub",
                Optional.empty(), false, true, 0, TlsSettings.OFF, ClientLimits.UNLIMITED);
    }

    /** Loopback, ephemeral ports: what tests use. */
    public static BrokerConfig ephemeral() {
        return defaults().withListeners("127.0.0.1", 0, 0);
    }

    public BrokerConfig withListeners(String newHost, int newPort, int newWsPort) {
        return new BrokerConfig(newHost, newPort, newWsPort, wsPath, maxPacketSize, maxClientIdLength,
                maxKeepAliveSeconds, receiveMaximum, topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages,
                queueQos0WhileOffline, writeBufferHighWaterMark, sysInterval, nodeName, serverReference,
                serverMovedPermanently, allowEmptyClientId, ioThreads, tls, limits);
    }

    public BrokerConfig withLimits(int newMaxPacketSize, int newReceiveMaximum, int newTopicAliasMaximum,
                                   int newMaxQueuedMessages, int newMaxKeepAliveSeconds) {
        return new BrokerConfig(host, port, wsPort, wsPath, newMaxPacketSize, maxClientIdLength,
                newMaxKeepAliveSeconds, newReceiveMaximum, newTopicAliasMaximum, maxSessionExpirySeconds,
                newMaxQueuedMessages, queueQos0WhileOffline, writeBufferHighWaterMark, sysInterval, nodeName,
                serverReference, serverMovedPermanently, allowEmptyClientId, ioThreads, tls, limits);
    }

    public BrokerConfig withSysInterval(Duration newSysInterval) {
        return new BrokerConfig(host, port, wsPort, wsPath, maxPacketSize, maxClientIdLength, maxKeepAliveSeconds,
                receiveMaximum, topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, queueQos0WhileOffline,
                writeBufferHighWaterMark, newSysInterval, nodeName, serverReference, serverMovedPermanently,
                allowEmptyClientId, ioThreads, tls, limits);
    }

    public BrokerConfig withServerReference(String reference, boolean movedPermanently) {
        return new BrokerConfig(host, port, wsPort, wsPath, maxPacketSize, maxClientIdLength, maxKeepAliveSeconds,
                receiveMaximum, topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, queueQos0WhileOffline,
                writeBufferHighWaterMark, sysInterval, nodeName, Optional.ofNullable(reference), movedPermanently,
                allowEmptyClientId, ioThreads, tls, limits);
    }

    public BrokerConfig withTls(TlsSettings newTls) {
        return new BrokerConfig(host, port, wsPort, wsPath, maxPacketSize, maxClientIdLength, maxKeepAliveSeconds,
                receiveMaximum, topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, queueQos0WhileOffline,
                writeBufferHighWaterMark, sysInterval, nodeName, serverReference, serverMovedPermanently,
                allowEmptyClientId, ioThreads, newTls, limits);
    }

    public BrokerConfig withClientLimits(ClientLimits newLimits) {
        return new BrokerConfig(host, port, wsPort, wsPath, maxPacketSize, maxClientIdLength, maxKeepAliveSeconds,
                receiveMaximum, topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, queueQos0WhileOffline,
                writeBufferHighWaterMark, sysInterval, nodeName, serverReference, serverMovedPermanently,
                allowEmptyClientId, ioThreads, tls, newLimits);
    }

    public BrokerConfig withMaxSessionExpirySeconds(long newMax) {
        return new BrokerConfig(host, port, wsPort, wsPath, maxPacketSize, maxClientIdLength, maxKeepAliveSeconds,
                receiveMaximum, topicAliasMaximum, newMax, maxQueuedMessages, queueQos0WhileOffline,
                writeBufferHighWaterMark, sysInterval, nodeName, serverReference, serverMovedPermanently,
                allowEmptyClientId, ioThreads, tls, limits);
    }

    public BrokerConfig withQueueQos0WhileOffline(boolean queue) {
        return new BrokerConfig(host, port, wsPort, wsPath, maxPacketSize, maxClientIdLength, maxKeepAliveSeconds,
                receiveMaximum, topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, queue,
                writeBufferHighWaterMark, sysInterval, nodeName, serverReference, serverMovedPermanently,
                allowEmptyClientId, ioThreads, tls, limits);
    }
}
