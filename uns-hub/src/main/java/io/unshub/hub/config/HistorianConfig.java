package io.unshub.hub.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The historian ({@code uns.historian.*}): the embedded QuestDB store under {@code <uns.data-dir>/historian},
 * what it stores, how it batches, how long it keeps data, and the optional line-protocol export.
 */
@ConfigMapping(prefix = "uns.historian")
public interface HistorianConfig {

    /** Stores messages and serves /api/v1/history. Default {@code true}. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The longest a message waits before its batch is committed; after a kill -9 at most this much of the
     * newest history is lost. Default {@code 1s}.
     */
    @WithDefault("1s")
    Duration flushInterval();

    /** Messages per commit at most (a full batch is committed at once). Default {@code 10000}. */
    @WithDefault("10000")
    int batchSize();

    /**
     * Messages waiting in front of the store at most; beyond that messages are dropped, counted in
     * {@code uns_historian_dropped_total} and reported by the health check. Default {@code 200000}.
     */
    @WithDefault("200000")
    int queueCapacity();

    /** The longest pause between retries of a failed commit (full disk, failing store). Default {@code 5s}. */
    @WithDefault("5s")
    Duration retryBackoffMax();

    /** How long a clean stop waits for the queue to drain before the last commit. Default {@code 30s}. */
    @WithDefault("30s")
    Duration drainTimeout();

    /**
     * Topic filters always stored, even when their namespace class says {@code historize: false}; the only
     * way to store '$' topics (e.g. {@code $SYS/#}). {@code $replay/...} is never stored. Default none.
     */
    Optional<List<String>> include();

    /** Topic filters never stored; they win over {@code include}. Default none. */
    Optional<List<String>> exclude();

    /** Stores topics outside the namespace model (only possible when it is not enforced). Default {@code true}. */
    @WithDefault("true")
    boolean storeUnclassified();

    Retention retention();

    Export export();

    Query query();

    Pg pg();

    /** How long history is kept ({@code uns.historian.retention.*}). */
    interface Retention {

        /** Days kept for classes without their own entry and for topics without a class; 0 keeps forever. Default {@code 30}. */
        @WithDefault("30")
        int defaultDays();

        /**
         * Days per namespace class, e.g. {@code uns.historian.retention.classes._edge=90}; 0 keeps forever.
         * Every distinct day count in force gets its own set of tables (retention group) whose day partitions
         * are dropped by that count, so each class keeps exactly its own days. Default none.
         */
        Map<String, Integer> classes();

        /** How often old day partitions are dropped. Default {@code 1h}. */
        @WithDefault("1h")
        Duration interval();
    }

    /**
     * The read-only PostgreSQL wire listener on the historian's store ({@code uns.historian.pg.*}), for SQL
     * clients such as Grafana's PostgreSQL data source (database {@code qdb}).
     */
    interface Pg {

        /** Opens the listener. Default {@code false}. */
        @WithDefault("false")
        boolean enabled();

        /** The IPv4 address to listen on; {@code 0.0.0.0} for every interface (the container). Default {@code 127.0.0.1}. */
        @WithDefault("127.0.0.1")
        String host();

        /** The TCP port; 0 picks a free one (the banner shows it). Default {@code 8812}. */
        @WithDefault("8812")
        int port();

        /** The one user name the listener accepts; it may only read. Default {@code grafana}. */
        @WithDefault("grafana")
        String user();

        /** That user's password. No default: required when {@code uns.historian.pg.enabled=true}. */
        Optional<String> password();
    }

    /** The line-protocol export to InfluxDB 2.x/3.x or QuestDB ({@code uns.historian.export.*}). */
    interface Export {

        /** Exports decoded values. Default {@code false}. */
        @WithDefault("false")
        boolean enabled();

        /** The server, e.g. {@code http://influxdb:8086} or {@code http://questdb:9000}. Required when enabled. */
        Optional<String> url();

        /** API token; {@code user:password} for InfluxDB 1.8. Default none. */
        Optional<String> token();

        /** Organisation (InfluxDB 2.x). Default {@code uns}. */
        @WithDefault("uns")
        String org();

        /** Bucket (InfluxDB 2.x) or database (InfluxDB 3). Default {@code uns}. */
        @WithDefault("uns")
        String bucket();

        /** Lines per HTTP write. Default {@code 5000}. */
        @WithDefault("5000")
        int batchSize();

        /** Longest wait before a partial batch is written. Default {@code 1s}. */
        @WithDefault("1s")
        Duration flushInterval();

        /** Lines buffered while the server is slow or away; beyond it the oldest are dropped and counted. Default {@code 100000}. */
        @WithDefault("100000")
        int bufferLimit();

        /** Retries of a failed write, with exponential back-off. Default {@code 10}. */
        @WithDefault("10")
        int maxRetries();

        /** The longest back-off between retries. Default {@code 30s}. */
        @WithDefault("30s")
        Duration maxRetryDelay();
    }

    /**
     * Where {@code GET /api/v1/history/aggregate} reads ({@code uns.historian.query.*}). Raw history and replay
     * always read the embedded store: the raw log with its payload bytes is not exported.
     */
    interface Query {

        /**
         * {@code embedded} (the hub's own store) or {@code external} (a QuestDB the export writes to, at
         * {@code uns.historian.query.external.url}). Default {@code embedded}.
         */
        @WithDefault("embedded")
        String target();

        External external();

        /** The external QuestDB's HTTP {@code /exec} JSON API ({@code uns.historian.query.external.*}). */
        interface External {

            /** Its HTTP address, e.g. {@code http://questdb:9000}. Required when the target is external. */
            Optional<String> url();

            /** HTTP basic user (QuestDB's {@code http.user}), with {@code password}. Default none. */
            Optional<String> username();

            /** HTTP basic password (QuestDB's {@code http.password}). Default none. */
            Optional<String> password();

            /** Bearer token (QuestDB Enterprise), instead of username and password. Default none. */
            Optional<String> token();

            /** Longest wait for the connection and for the whole answer of one query. Default {@code 10s}. */
            @WithDefault("10s")
            Duration timeout();
        }
    }
}
