package io.unshub.hub.config;

import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.config.TlsSettings;

import java.nio.file.Path;
import java.util.Map;

/** Turns the {@code uns.mqtt.*} configuration into the broker's config record, naming the key on bad values. */
public final class BrokerConfigMapper {

    /** The broker record's component names and the configuration keys they come from. */
    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("maxPacketSize", "uns.mqtt.max-packet-size"),
            Map.entry("maxClientIdLength", "uns.mqtt.max-client-id-length"),
            Map.entry("maxKeepAliveSeconds", "uns.mqtt.max-keep-alive"),
            Map.entry("receiveMaximum", "uns.mqtt.receive-maximum"),
            Map.entry("topicAliasMaximum", "uns.mqtt.topic-alias-maximum"),
            Map.entry("maxQueuedMessages", "uns.mqtt.max-queued-messages"),
            Map.entry("port", "uns.mqtt.port"),
            Map.entry("wsPort", "uns.mqtt.ws-port"),
            Map.entry("ioThreads", "uns.mqtt.io-threads"),
            Map.entry("maxSessionExpirySeconds", "uns.mqtt.max-session-expiry"),
            Map.entry("wsPath", "uns.mqtt.ws-path"),
            Map.entry("sysInterval", "uns.mqtt.sys-interval"));

    private BrokerConfigMapper() {
    }

    /**
     * @throws InvalidConfigException naming the key when a value is out of range
     */
    public static BrokerConfig toBrokerConfig(UnsConfig.Mqtt mqtt) {
        try {
            return new BrokerConfig(mqtt.host(), listenerPort(mqtt.port(), mqtt.randomPorts()),
                    listenerPort(mqtt.wsPort(), mqtt.randomPorts()), mqtt.wsPath(), mqtt.maxPacketSize(),
                    mqtt.maxClientIdLength(), mqtt.maxKeepAlive(), mqtt.receiveMaximum(), mqtt.topicAliasMaximum(),
                    mqtt.maxSessionExpiry(), mqtt.maxQueuedMessages(), mqtt.queueQos0WhileOffline(),
                    mqtt.writeBufferHighWaterMark(), mqtt.sysInterval(), mqtt.nodeName(), mqtt.serverReference(),
                    mqtt.serverMoved(), mqtt.allowEmptyClientId(), mqtt.ioThreads(), tls(mqtt), limits(mqtt));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            String component = message.split(" ", 2)[0];
            String key = KEYS.getOrDefault(component, "uns.mqtt.*");
            throw new InvalidConfigException(key, message);
        }
    }

    /** The TLS listeners: off unless a certificate is configured. */
    public static TlsSettings tls(UnsConfig.Mqtt mqtt) {
        UnsConfig.Mqtt.Tls tls = mqtt.tls();
        if (tls.certificate().isEmpty()) {
            return TlsSettings.OFF;
        }
        if (tls.privateKey().isEmpty()) {
            throw new InvalidConfigException("uns.mqtt.tls.private-key", "is required with uns.mqtt.tls.certificate");
        }
        TlsSettings.ClientAuth clientAuth = choice("uns.mqtt.tls.client-auth", tls.clientAuth(),
                TlsSettings.ClientAuth.class);
        if (clientAuth != TlsSettings.ClientAuth.NONE && tls.clientCa().isEmpty()) {
            throw new InvalidConfigException("uns.mqtt.tls.client-ca",
                    "is required when uns.mqtt.tls.client-auth is " + tls.clientAuth());
        }
        TlsSettings.CertificateIdentity identity = choice("uns.mqtt.tls.identity", tls.identity(),
                TlsSettings.CertificateIdentity.class);
        try {
            return new TlsSettings(listenerPort(mqtt.tlsPort(), mqtt.randomPorts()),
                    listenerPort(mqtt.wssPort(), mqtt.randomPorts()), Path.of(tls.certificate().get()),
                    Path.of(tls.privateKey().get()), tls.clientCa().map(Path::of).orElse(null), clientAuth, identity,
                    tls.protocols(), tls.reloadInterval());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("uns.mqtt.tls.protocols", e.getMessage());
        }
    }

    static ClientLimits limits(UnsConfig.Mqtt mqtt) {
        return new ClientLimits(
                nonNegative("uns.mqtt.max-connections", mqtt.maxConnections()),
                nonNegative("uns.mqtt.max-connections-per-address", mqtt.maxConnectionsPerAddress()),
                nonNegative("uns.mqtt.connects-per-second-per-address", mqtt.connectsPerSecondPerAddress()),
                nonNegative("uns.mqtt.publishes-per-second", mqtt.publishesPerSecond()),
                nonNegative("uns.mqtt.publish-bytes-per-second", mqtt.publishBytesPerSecond()),
                mqtt.disconnectOverQuota(),
                nonNegative("uns.mqtt.max-subscriptions-per-client", mqtt.maxSubscriptionsPerClient()),
                nonNegative("uns.mqtt.max-topic-levels", mqtt.maxTopicLevels()),
                nonNegative("uns.mqtt.max-topic-length", mqtt.maxTopicLength()),
                nonNegative("uns.mqtt.max-inflight-out", mqtt.maxInflightOut()));
    }

    private static int nonNegative(String key, int value) {
        return (int) nonNegative(key, (long) value);
    }

    private static long nonNegative(String key, long value) {
        if (value < 0) {
            throw new InvalidConfigException(key, "must be 0 (unlimited) or more, was " + value);
        }
        return value;
    }

    /** An enum value written in kebab case ({@code san-dns}), or a failure naming the key and the choices. */
    public static <E extends Enum<E>> E choice(String key, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().replace('_', '-').equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new InvalidConfigException(key, "'" + value + "' is not one of " + java.util.Arrays.stream(
                type.getEnumConstants()).map(c -> c.name().toLowerCase().replace('_', '-')).toList());
    }

    /** In the configuration 0 means "off"; the broker uses 0 for "ephemeral" and -1 for "off". */
    private static int listenerPort(int configured, boolean random) {
        if (configured == 0) {
            return BrokerConfig.DISABLED;
        }
        return random ? 0 : configured;
    }
}
