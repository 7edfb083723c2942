package io.unshub.hub.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.unshub.hub.config.SparkplugConfig;
import io.unshub.hub.sparkplug.AwareOutbound;
import io.unshub.hub.sparkplug.SparkplugRuntime;
import io.unshub.sparkplug.aware.AwareDelivery;
import io.unshub.sparkplug.host.HostCounters;
import io.unshub.sparkplug.host.SparkplugHost;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.function.ToDoubleFunction;

/** Exposes the Sparkplug host to Prometheus, read when scraped. */
@Singleton
public class SparkplugMeterBinder implements MeterBinder {

    @Inject
    SparkplugRuntime runtime;

    @Inject
    SparkplugConfig config;

    @Inject
    AwareOutbound aware;

    @Override
    public void bindTo(MeterRegistry registry) {
        SparkplugHost host = runtime.host().orElse(null);
        if (host == null) {
            return;
        }
        Gauge.builder("uns_sparkplug_nodes", host, SparkplugHost::nodesOnline).tag("state", "online")
                .description("Edge nodes by state").register(registry);
        Gauge.builder("uns_sparkplug_nodes", host, SparkplugHost::nodesOffline).tag("state", "offline")
                .description("Edge nodes by state").register(registry);
        HostCounters c = host.counters();
        counter(registry, "uns_sparkplug_messages", "Sparkplug edge messages received", c, HostCounters::messages);
        counter(registry, "uns_sparkplug_malformed_payloads", "Sparkplug payloads that did not decode", c, HostCounters::malformed);
        counter(registry, "uns_sparkplug_seq_gaps", "Gaps in edge nodes' seq numbering", c, HostCounters::seqGaps);
        counter(registry, "uns_sparkplug_rebirths_requested", "Rebirth requests sent", c, HostCounters::rebirthsRequested);
        counter(registry, "uns_sparkplug_rebirths_throttled", "Rebirth requests held back by the per-node throttle", c,
                HostCounters::rebirthsThrottled);
        counter(registry, "uns_sparkplug_unknown_metrics", "DATA metrics (names or aliases) the birth did not declare", c,
                HostCounters::unknownMetrics);
        counter(registry, "uns_sparkplug_duplicate_nodes", "Births or data for a node online through another connection", c,
                HostCounters::duplicateNodes);
        counter(registry, "uns_sparkplug_stale_deaths_ignored", "NDEATHs ignored (old bdSeq, old connection, already offline)",
                c, HostCounters::staleDeathsIgnored);
        counter(registry, "uns_sparkplug_commands_sent", "NCMD/DCMD sent for writes on command topics", c, HostCounters::commandsSent);
        counter(registry, "uns_sparkplug_commands_failed", "Writes on command topics answered with an error", c,
                HostCounters::commandsFailed);
        FunctionCounter.builder("uns_sparkplug_dropped", host, SparkplugHost::droppedOnOverflow)
                .description("Sparkplug messages dropped because the host's queue was full").register(registry);
        FunctionCounter.builder("uns_sparkplug_projected", host, SparkplugHost::projected)
                .description("UNS documents published by the projection").register(registry);
        FunctionCounter.builder("uns_sparkplug_projections_rejected", host, SparkplugHost::projectionsRejected)
                .description("Projections refused by the namespace or the ACL").register(registry);
        aware.delivery().ifPresent(d -> {
            FunctionCounter.builder("uns_sparkplug_ndeath_stamped", d, AwareDelivery::stamped)
                    .description("NDEATH deliveries whose timestamp was replaced by the delivery time").register(registry);
            FunctionCounter.builder("uns_sparkplug_ndeath_unstamped", d, AwareDelivery::unstamped)
                    .description("NDEATH deliveries sent unchanged because the payload did not decode").register(registry);
        });
        if (config.nodeMetricsLimit() > 0) {
            host.setNodeListener(new SparkplugNodeMeters(registry, config.nodeMetricsLimit()));
        }
    }

    private static void counter(MeterRegistry registry, String name, String description, HostCounters c,
                                ToDoubleFunction<HostCounters> f) {
        FunctionCounter.builder(name, c, f).description(description).register(registry);
    }
}
