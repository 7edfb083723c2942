package io.unshub.hub.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.unshub.sparkplug.host.NodeCounters;
import io.unshub.sparkplug.host.SparkplugHost;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Registers five counters per edge node, tagged {@code group} and {@code node}, when the host first sees it; the
 * counters read the node's own {@link NodeCounters} when scraped. Called on the host's dispatcher thread (and once
 * on the binding thread for nodes already known); the set of registered nodes is the only shared state and is
 * bounded by {@code limit}, so the series stay at most 5 x limit.
 */
final class SparkplugNodeMeters implements SparkplugHost.NodeListener {

    private static final Logger LOG = Logger.getLogger(SparkplugNodeMeters.class);

    private final MeterRegistry registry;
    private final int limit;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile boolean limitLogged;

    SparkplugNodeMeters(MeterRegistry registry, int limit) {
        this.registry = registry;
        this.limit = limit;
    }

    @Override
    public void nodeSeen(String group, String node, NodeCounters counters) {
        String id = group + "/" + node;
        if (registered.contains(id)) {
            return;
        }
        if (registered.size() >= limit) {
            if (!limitLogged) {
                limitLogged = true;
                LOG.warnf("Edge node %s and any further nodes get no per-node metrics: uns.sparkplug.node-metrics-limit (%d)"
                        + " reached; the uns_sparkplug_* totals still count them", id, limit);
            }
            return;
        }
        registered.add(id);
        Tags tags = Tags.of("group", group, "node", node);
        counter("uns_sparkplug_node_messages", "Sparkplug messages received per edge node", tags, counters, NodeCounters::messages);
        counter("uns_sparkplug_node_seq_gaps", "Gaps in an edge node's seq numbering", tags, counters, NodeCounters::seqGaps);
        counter("uns_sparkplug_node_rebirths_requested", "Rebirth requests sent per edge node", tags, counters,
                NodeCounters::rebirthsRequested);
        counter("uns_sparkplug_node_alias_misses", "DATA metrics (names or aliases) an edge node's birth did not declare",
                tags, counters, NodeCounters::unknownMetrics);
        counter("uns_sparkplug_node_decode_errors", "Payloads or metrics of an edge node that did not decode", tags,
                counters, NodeCounters::decodeErrors);
    }

    private void counter(String name, String description, Tags tags, NodeCounters c, ToDoubleFunction<NodeCounters> f) {
        // Micrometer holds the counters weakly; the host's node map keeps them for the host's life.
        FunctionCounter.builder(name, c, f).description(description).tags(tags).register(registry);
    }
}
