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

    /**
     * One JSON object per log line, for log shippers (sets {@code quarkus.log.console.json.enabled} in
     * application.properties); default false, plain text.
     */
    @WithDefault("false")
    boolean logJson();

    Mqtt mqtt();

    Namespace namespace();

    Auth auth();

    Acl acl();

    /** Who may connect ({@code uns.auth.*}); the users live in a YAML file. */
    interface Auth {

        /**
         * Clients without credentials: {@code local} (only from this machine, the default, as Mosquitto 2 does),
         * {@code all}, or {@code none}.
         */
        @WithDefault("local")
        String anonymous();

        /** The users file; unset = {@code <uns.config-dir>/users.yaml} (need not exist). */
        Optional<String> usersFile();

        /** How often the users, JWKS and ACL files are checked for changes; 0 turns reload off. */
        @WithDefault("2s")
        Duration reloadInterval();

        /**
         * Clients with a verified certificate (mutual TLS) log in as the certificate's identity: {@code off},
         * {@code listed} (only names that users.yaml marks {@code certificate: true}) or {@code any}.
         */
        @WithDefault("off")
        String certificateLogin();

        /** SHA-256 fingerprints (hex) or serial numbers of client certificates that are refused. */
        Optional<List<String>> revokedCertificates();

        Jwt jwt();

        /** JSON Web Tokens as the MQTT password ({@code uns.auth.jwt.*}); off unless a secret or JWKS is set. */
        interface Jwt {

            /** Shared secret for HS256 tokens (at least 32 bytes); better from the environment. */
            Optional<String> hs256Secret();

            /** A JWKS file with the RSA keys for RS256 tokens. */
            Optional<String> jwksFile();

            /** Required audience ({@code aud}); unset = not checked. */
            Optional<String> audience();

            /** Required issuer ({@code iss}); unset = not checked. */
            Optional<String> issuer();

            /** Claim holding the user name. */
            @WithDefault("sub")
            String usernameClaim();

            /** Claim holding the roles (a list of strings). */
            @WithDefault("roles")
            String rolesClaim();
        }
    }

    /** Who may publish and subscribe to what ({@code uns.acl.*}); the rules live in a YAML file. */
    interface Acl {

        /** The ACL file; unset = {@code <uns.config-dir>/acl.yaml}. Without it everything is allowed. */
        Optional<String> file();
    }

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

        /**
         * Queue QoS 0 messages for offline persistent sessions too. That queue is kept in memory only and
         * is lost on a restart (QoS 0 promises at most once); default false.
         */
        @WithDefault("false")
        boolean queueQos0WhileOffline();

        /**
         * Where retained messages and persistent sessions live: {@code rocksdb} (under
         * {@code <uns.data-dir>/broker}, they survive a restart) or {@code memory} (lost on restart).
         */
        @WithDefault("rocksdb")
        String persistence();

        /**
         * When a write to the broker store counts as done (and a PUBACK/PUBREC may go out):
         * {@code group-commit} (fsync shared by the writes that arrive together), {@code group-commit:<n>ms}
         * (waits up to n ms to share more), {@code sync-each} or {@code no-sync} (survives a crash of the
         * hub, not of the machine).
         */
        @WithDefault("group-commit")
        String durability();

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

        /** MQTT over TLS; 0 turns it off. Only opened when a certificate is configured. */
        @WithDefault("8883")
        int tlsPort();

        /** MQTT over secure WebSocket; 0 turns it off. Only opened when a certificate is configured. */
        @WithDefault("8084")
        int wssPort();

        Tls tls();

        /** The TLS listeners ({@code uns.mqtt.tls.*}). */
        interface Tls {

            /** PEM certificate chain of the hub; unset = no TLS listeners. */
            Optional<String> certificate();

            /** PEM private key (PKCS#8) of the hub. */
            Optional<String> privateKey();

            /** PEM CA certificates that client certificates must chain to (mutual TLS). */
            Optional<String> clientCa();

            /** Client certificates: none, optional or required. */
            @WithDefault("none")
            String clientAuth();

            /** Which part of a client certificate is its identity: cn, san-dns, san-email or san-uri. */
            @WithDefault("cn")
            String identity();

            /** TLS versions offered (TLSv1.2 and/or TLSv1.3). */
            @WithDefault("TLSv1.3,TLSv1.2")
            List<String> protocols();

            /** How often the PEM files are checked for changes; 0 turns reload off. */
            @WithDefault("30s")
            Duration reloadInterval();
        }

        /** Open MQTT connections in total (0 = unlimited). */
        @WithDefault("10000")
        int maxConnections();

        /** Open connections from one IP address (0 = unlimited; clients behind NAT share one). */
        @WithDefault("0")
        int maxConnectionsPerAddress();

        /** New connections per second from one IP address (0 = unlimited: many PLCs may share one NAT address). */
        @WithDefault("0")
        int connectsPerSecondPerAddress();

        /** PUBLISH packets per second one client may send (0 = unlimited). */
        @WithDefault("0")
        int publishesPerSecond();

        /** Payload bytes per second one client may send (0 = unlimited). */
        @WithDefault("0")
        long publishBytesPerSecond();

        /** Over a publish quota: disconnect the client (true) or refuse with 0x97 / drop (false). */
        @WithDefault("false")
        boolean disconnectOverQuota();

        /**
         * QoS 1/2 messages the hub sends to one client without its acknowledgement (0 = only the client's receive
         * maximum); further messages wait in the session queue ({@code max-queued-messages}). An MQTT 5 client's
         * smaller receive maximum wins. Default 1024.
         */
        @WithDefault("1024")
        int maxInflightOut();

        /** Subscriptions one session may hold (0 = unlimited). */
        @WithDefault("10000")
        int maxSubscriptionsPerClient();

        /** Levels in a topic name or filter (0 = unlimited). */
        @WithDefault("0")
        int maxTopicLevels();

        /** UTF-8 bytes in a topic name or filter (0 = unlimited). */
        @WithDefault("0")
        int maxTopicLength();
    }
}
