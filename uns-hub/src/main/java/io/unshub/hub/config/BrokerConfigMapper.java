package io.unshub.hub.config;

import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.config.TlsSettings;

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
                    mqtt.serverMoved(), mqtt.allowEmptyClientId(), mqtt.ioThreads(), TlsSettings.OFF,
                    ClientLimits.UNLIMITED);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            String component = message.split(" ", 2)[0];
            String key = KEYS.getOrDefault(component, "uns.mqtt.*");
            throw new InvalidConfigException(key, message);
        }
    }

    /** In the configuration 0 means "off"; the broker uses 0 for "ephemeral" and -1 for "off". */
    private static int listenerPort(int configured, boolean random) {
        if (configured == 0) {
            return BrokerConfig.DISABLED;
        }
        return random ? 0 : configured;
    }
}
