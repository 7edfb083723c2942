package io.unshub.hub.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The hub's own configuration ({@code uns.*}). Every key can be set in {@code application.properties},
 * as a system property ({@code -Duns.mqtt.port=1884}) or as an environment variable
 * ({@code UNS_MQTT_PORT=1884}).
 */
@ConfigMapping(prefix = "uns")
public interface UnsConfig {

    /** Directory of the larger YAML files (namespace model, OPC UA connections, users, ACL). */
    @WithDefault("config")
    String configDir();

    /** Directory of everything durable (broker persistence, historian, OPC UA PKI). */
    @WithDefault("data")
    String dataDir();

    /** Starts the demo data sources (simulated Sparkplug edge node and OPC UA PLC). */
    @WithDefault("false")
    boolean demo();

    Mqtt mqtt();

    Namespace namespace();

    /** The ISA-95 namespace ({@code uns.namespace.*}); the model itself lives in a YAML file. */
    interface Namespace {

        /** The namespace model file; unset = {@code <uns.config-dir>/namespace.yaml}. */
        Optional<String> file();

        /** Check every published message against the model (off = record the live tree only). */
        @WithDefault("true")
        boolean enforce();

        /** How often the model file is checked for changes; 0 turns hot reload off. */
        @WithDefault("2s")
        Duration reloadInterval();

        /** Most topics the live namespace keeps (last value, count); new topics beyond it are counted only. */
        @WithDefault("200000")
        int maxLiveTopics();
    }

    /** The MQTT broker ({@code uns.mqtt.*}). */
    interface Mqtt {

        /** Interface the MQTT listeners bind to. */
        @WithDefault("0.0.0.0")
        String host();

        /** MQTT over TCP; 0 turns the listener off. */
        @WithDefault("1883")
        int port();

        /** MQTT over WebSocket; 0 turns the listener off. */
        @WithDefault("8083")
        int wsPort();

        /** WebSocket path. */
        @WithDefault("/mqtt")
        String wsPath();

        /** Bind every enabled MQTT listener to an ephemeral port (tests, side-by-side runs). */
        @WithDefault("false")
        boolean randomPorts();

        /** Largest MQTT packet accepted, in bytes (a Sparkplug NBIRTH can be large). */
        @WithDefault("16777216")
        int maxPacketSize();

        /** Longest client identifier accepted. */
        @WithDefault("256")
        int maxClientIdLength();

        /** Cap on the keep alive MQTT 5 clients may use, in seconds; announced as server keep alive. */
        @WithDefault("3600")
        int maxKeepAlive();

        /** Unacknowledged QoS 1/2 publishes a client may have in flight towards the hub. */
        @WithDefault("1024")
        int receiveMaximum();

        /** Topic aliases an MQTT 5 client may use towards the hub. */
        @WithDefault("1024")
        int topicAliasMaximum();

        /** Cap on the session expiry interval, in seconds (4294967295 = sessions may never expire). */
        @WithDefault("4294967295")
        long maxSessionExpiry();

        /** QoS 1/2 messages queued per session; beyond it new messages are dropped and counted. */
        @WithDefault("10000")
        int maxQueuedMessages();

        /** Queue QoS 0 messages for offline persistent sessions too. */
        @WithDefault("false")
        boolean queueQos0WhileOffline();

        /** Bytes buffered per connection before it is a slow consumer (QoS 0 then dropped and counted). */
        @WithDefault("1048576")
        int writeBufferHighWaterMark();

        /** Interval of the $SYS statistics (0 turns them off). */
        @WithDefault("10s")
        Duration sysInterval();

        /** This broker's name in $SYS topics. */
        @WithDefault("uns-hub")
        String nodeName();

        /** Redirect every MQTT 5 client to this server (host:port); unset = no redirection. */
        Optional<String> serverReference();

        /** Redirect with 0x9D "server moved" instead of 0x9C "use another server". */
        @WithDefault("false")
        boolean serverMoved();

        /** Let clients connect without an identifier (the hub assigns one). */
        @WithDefault("true")
        boolean allowEmptyClientId();

        /** Event loop threads for MQTT; 0 = one per available core. */
        @WithDefault("0")
        int ioThreads();

        /** Topic filters clients may not subscribe to (exact match), refused with 0x87. */
        Optional<List<String>> refusedFilters();
    }
}
