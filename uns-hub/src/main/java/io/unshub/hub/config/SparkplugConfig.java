package io.unshub.hub.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The embedded Sparkplug B host ({@code uns.sparkplug.*}). How metrics map into the namespace is part of the
 * namespace model (its {@code sparkplug:} section), not of these keys.
 */
@ConfigMapping(prefix = "uns.sparkplug")
public interface SparkplugConfig {

    /** Runs the Sparkplug host (decoding, projection, STATE, commands, aware-server births). Default true. */
    @WithDefault("true")
    boolean enabled();

    /** The Sparkplug host id: STATE on {@code spBv1.0/STATE/<host-id>}. Default {@code uns-hub}. */
    @WithDefault("uns-hub")
    String hostId();

    /**
     * The primary host role: publish STATE and send automatic rebirth requests. A passive host (false) only
     * decodes and projects. Default true.
     */
    @WithDefault("true")
    boolean primary();

    /** How long an out-of-order message waits for the missing ones before a rebirth is requested; 0 = at once. Default 5s. */
    @WithDefault("5s")
    Duration reorderTimeout();

    /** Least time between two automatic rebirth requests to one edge node (doubled, up to 16x, while it keeps failing). Default 5s. */
    @WithDefault("5s")
    Duration rebirthThrottle();

    /** Request a rebirth when a seq gap is not filled in time. Default true. */
    @WithDefault("true")
    boolean rebirthOnGap();

    /** Request a rebirth on a metric name or alias the birth did not declare. Default true. */
    @WithDefault("true")
    boolean rebirthOnUnknownMetric();

    /** Request a rebirth on DBIRTH, DATA or DDEATH from a node (or device) without a birth. Default true. */
    @WithDefault("true")
    boolean rebirthOnDataBeforeBirth();

    /** Request a rebirth when a payload does not decode. Default false. */
    @WithDefault("false")
    boolean rebirthOnMalformed();

    /** Bound of the host's queue on the bus for {@code spBv1.0/#} (overflow drops the newest, which the seq check turns into a rebirth). Default 65536. */
    @WithDefault("65536")
    int queueCapacity();

    /** Address command metrics by name even when their birth gave an alias (for edges that only resolve names). Default false. */
    @WithDefault("false")
    boolean commandByName();

    /** How often the demo profile's simulated edge node ({@code --demo}) rebirths on its own, besides answering rebirth requests; 0 = never. Default 5m. */
    @WithDefault("5m")
    Duration demoRebirthInterval();

    /**
     * Most edge nodes that get their own metric series ({@code uns_sparkplug_node_*{group,node}}, five per node);
     * nodes seen beyond it are logged once and only counted in the host-wide totals, so a misbehaving fleet cannot
     * blow up the scrape. 0 (or less) turns per-node series off. Default 1000.
     */
    @WithDefault("1000")
    int nodeMetricsLimit();

    /**
     * Also publish the edge nodes' protocol metrics ({@code bdSeq}, {@code Node Control/*}) into the namespace as
     * values; they are always in the REST node view. Default false: they are session mechanics, not plant data.
     */
    @WithDefault("false")
    boolean projectNodeControl();

    /** The Sparkplug Aware server's delivery behaviours ({@code uns.sparkplug.aware.*}). */
    Aware aware();

    /** {@code uns.sparkplug.aware.*}. */
    interface Aware {

        /**
         * Replace the timestamp of every NDEATH (wills and explicit ones) with the time the hub delivers it to each
         * subscriber (the specification's MAY, tck-id-conformance-mqtt-aware-ndeath-timestamp). Default true.
         */
        @WithDefault("true")
        boolean stampNdeathTimestamp();
    }
}
