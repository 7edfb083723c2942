package io.unshub.sparkplug.host;

import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.sparkplug.codec.DatatypeLookup;
import io.unshub.sparkplug.codec.DecodeResult;
import io.unshub.sparkplug.codec.ValueInterpreter;
import io.unshub.sparkplug.mapping.MetricTopics;
import io.unshub.sparkplug.mapping.ValueJson;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.Quality;
import io.unshub.sparkplug.model.SparkplugPayload;
import io.unshub.sparkplug.model.Template;
import io.unshub.sparkplug.model.UntypedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The host's state machine for one Edge Node Descriptor (digest §4.2): online/offline, the bdSeq of the current
 * birth and the connection that sent it, seq checking with an optional reorder window, alias tables and datatypes
 * from births, devices, last values, stale marking on deaths, and throttled rebirth requests.
 *
 * <p>Threading: every method except {@link #status()} runs on this node's {@link SerialQueue}; the reorder timer
 * fires on the shared scheduler and only submits a task to that queue.
 */
final class EdgeNode {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);
    private static final int MAX_BUFFERED = 256;
    private static final int MAX_BACKOFF = 16;
    private static final int REASONS_KEPT = 10;

    private final NodeKey key;
    final SerialQueue queue;
    private final HostServices host;

    private volatile NodeStatus status = NodeStatus.UNKNOWN;
    private Long bdSeq;
    private Long bdSeqAlias;
    private int lastSeq = -1;
    private String birthClient;
    private long onlineSinceMs;
    private long offlineSinceMs;
    private MetricTable metrics = new MetricTable();
    private final Map<String, DeviceState> devices = new LinkedHashMap<>();

    /** Messages that arrived ahead of a missing seq, by seq; applied when the gap fills or the timer fires. */
    private final Map<Integer, Buffered> buffer = new java.util.HashMap<>();
    private ScheduledFuture<?> reorderTimer;
    private int timerGeneration;

    private long lastRebirthNanos;
    private boolean awaitingBirth;
    private int backoff = 1;
    private final Deque<NodeView.RebirthRecord> reasons = new ArrayDeque<>();

    private final NodeCounters counts = new NodeCounters();
    private long duplicates;
    private String lastDuplicateClient;
    private long staleDeaths;

    private record Buffered(String verb, String device, SparkplugPayload payload, String topic) {
    }

    EdgeNode(NodeKey key, SerialQueue queue, HostServices host) {
        this.key = key;
        this.queue = queue;
        this.host = host;
    }

    NodeKey key() {
        return key;
    }

    /** Read from any thread (per-node metrics). */
    NodeCounters counters() {
        return counts;
    }

    /** Read from any thread (gauges). */
    NodeStatus status() {
        return status;
    }

    // ------------------------------------------------------------------ input

    void onMessage(String verb, String device, UnsMessage message) {
        counts.messageReceived();
        host.counters.messages.increment();
        switch (verb) {
            case "NBIRTH" -> onNodeBirth(message);
            case "NDEATH" -> onNodeDeath(message);
            default -> onSequenced(verb, device, message);
        }
    }

    private SparkplugPayload decode(UnsMessage message, DatatypeLookup lookup) {
        DecodeResult result = host.decoder.decode(message.payload(), lookup);
        if (result instanceof DecodeResult.Decoded d) {
            return d.payload();
        }
        String reason = ((DecodeResult.Malformed) result).reason();
        counts.decodeError();
        host.counters.malformed.increment();
        host.log.warn("Sparkplug payload on {} from '{}' does not decode: {}", message.topic(), message.origin().id(), reason);
        if (host.config.rebirthOnMalformed()) {
            requestRebirth("malformed payload on " + message.topic() + ": " + reason, false);
        }
        return null;
    }

    private void onNodeBirth(UnsMessage message) {
        SparkplugPayload payload = decode(message, DatatypeLookup.NONE);
        if (payload == null) {
            return;
        }
        String client = message.origin().id();
        if (status == NodeStatus.ONLINE && birthClient != null && !birthClient.equals(client)) {
            duplicateSeen(birthClient, "NBIRTH from '" + client + "' while online through '" + birthClient + "'");
        }
        long now = host.clock.millis();
        cancelReorder();
        unregisterCommands(metrics);
        MetricTable table = new MetricTable();
        boolean aliasClash = false;
        bdSeqAlias = null;
        for (Metric m : payload.metrics()) {
            if (m.name() == null) {
                continue;
            }
            if (m.name().equals(SparkplugPayload.BD_SEQ)) {
                bdSeqAlias = m.alias();
            }
            MetricState state = born(m, "", payload, now);
            if (state != null) {
                aliasClash |= !table.add(state);
            }
        }
        metrics = table;
        for (DeviceState device : devices.values()) {
            // Devices of the previous birth wait for their DBIRTH, which follows at once on a rebirth.
            if (device.status == NodeStatus.ONLINE) {
                device.status = NodeStatus.OFFLINE;
                device.offlineSinceMs = now;
            }
        }
        bdSeq = payload.bdSeq();
        lastSeq = payload.seq() == null ? 0 : (int) (payload.seq() & 0xFF);
        birthClient = client;
        onlineSinceMs = payload.timestamp() != null ? payload.timestamp() : now;
        offlineSinceMs = 0;
        awaitingBirth = false;
        backoff = 1;
        status = NodeStatus.ONLINE;
        project(table, "", payload, message.topic(), now);
        if (bdSeq == null) {
            LOG.debug("NBIRTH of {} has no bdSeq metric", key);
        }
        if (aliasClash) {
            requestRebirth("NBIRTH declares one alias twice", false);
        }
    }

    private void onSequenced(String verb, String device, UnsMessage message) {
        String client = message.origin().id();
        if (status == NodeStatus.ONLINE && birthClient != null && !birthClient.equals(client)
                && message.origin().kind() == Origin.Kind.CLIENT) {
            duplicateSeen(client, verb + " from '" + client + "' while the birth came from '" + birthClient + "'");
            return;
        }
        if (status != NodeStatus.ONLINE) {
            if (host.config.rebirthOnDataBeforeBirth()) {
                requestRebirth(verb + " before NBIRTH", false);
            }
            return;
        }
        MetricTable table = device == null ? metrics : tableOf(device);
        DatatypeLookup lookup = table == null ? DatatypeLookup.NONE : table::datatypeOf;
        SparkplugPayload payload = decode(message, lookup);
        if (payload == null) {
            return;
        }
        if (payload.seq() == null) {
            apply(verb, device, payload, message.topic());
            return;
        }
        int seq = (int) (payload.seq() & 0xFF);
        int expected = (lastSeq + 1) & 0xFF;
        int distance = (seq - expected) & 0xFF;
        if (distance == 0) {
            lastSeq = seq;
            apply(verb, device, payload, message.topic());
            drainBuffer();
        } else if (distance < 128) {
            onGap(verb, device, payload, message.topic(), seq, expected);
        } else {
            host.log.warn("Sparkplug {} on {} has seq {} from the past (expected {}): dropped", verb, message.topic(), seq, expected);
        }
    }

    private MetricTable tableOf(String device) {
        DeviceState d = devices.get(device);
        return d == null ? null : d.metrics;
    }

    // ------------------------------------------------------------------ seq gaps and the reorder window

    private void onGap(String verb, String device, SparkplugPayload payload, String topic, int seq, int expected) {
        if (buffer.isEmpty()) {
            counts.seqGap();
            host.counters.seqGaps.increment();
        }
        if (host.config.reorderTimeoutMillis() == 0 || buffer.size() >= MAX_BUFFERED) {
            giveUpOnGap("seq gap: expected " + expected + ", got " + seq);
            lastSeq = seq;
            apply(verb, device, payload, topic);
            return;
        }
        buffer.put(seq, new Buffered(verb, device, payload, topic));
        if (reorderTimer == null) {
            int generation = ++timerGeneration;
            reorderTimer = host.scheduler.schedule(() -> queue.execute(() -> onReorderTimeout(generation)),
                    host.config.reorderTimeoutMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void drainBuffer() {
        Buffered next;
        while ((next = buffer.remove((lastSeq + 1) & 0xFF)) != null) {
            lastSeq = (lastSeq + 1) & 0xFF;
            apply(next.verb, next.device, next.payload, next.topic);
        }
        if (buffer.isEmpty() && reorderTimer != null) {
            // tck-id-operational-behavior-host-reordering-success: the gap filled in time.
            cancelReorder();
        }
    }

    private void onReorderTimeout(int generation) {
        if (generation != timerGeneration || reorderTimer == null) {
            return;
        }
        reorderTimer = null;
        if (buffer.isEmpty()) {
            return;
        }
        giveUpOnGap("seq gap not filled within " + host.config.reorderTimeoutMillis() + " ms (expected "
                + ((lastSeq + 1) & 0xFF) + ")");
        // The missing messages are lost; what came after them is newer and still worth showing.
        int expected = (lastSeq + 1) & 0xFF;
        List<Buffered> late = new ArrayList<>(buffer.values());
        late.sort(java.util.Comparator.comparingInt(b -> ((int) (b.payload.seq() & 0xFF) - expected) & 0xFF));
        buffer.clear();
        for (Buffered b : late) {
            lastSeq = (int) (b.payload.seq() & 0xFF);
            apply(b.verb, b.device, b.payload, b.topic);
        }
    }

    private void giveUpOnGap(String reason) {
        if (host.config.rebirthOnGap()) {
            requestRebirth(reason, false);
        }
    }

    private void cancelReorder() {
        buffer.clear();
        if (reorderTimer != null) {
            reorderTimer.cancel(false);
            reorderTimer = null;
        }
        timerGeneration++;
    }

    // ------------------------------------------------------------------ applying messages in order

    private void apply(String verb, String device, SparkplugPayload payload, String topic) {
        long now = host.clock.millis();
        switch (verb) {
            case "DBIRTH" -> onDeviceBirth(device, payload, topic, now);
            case "NDATA" -> onData(metrics, "", payload, now);
            case "DDATA" -> {
                DeviceState d = devices.get(device);
                if (d == null || d.status != NodeStatus.ONLINE) {
                    if (host.config.rebirthOnDataBeforeBirth()) {
                        requestRebirth("DDATA for device '" + device + "' without DBIRTH", false);
                    }
                    return;
                }
                onData(d.metrics, device, payload, now);
            }
            case "DDEATH" -> onDeviceDeath(device, payload, now);
            default -> LOG.debug("Sparkplug verb {} on {} ignored", verb, topic);
        }
    }

    private void onDeviceBirth(String deviceId, SparkplugPayload payload, String topic, long now) {
        DeviceState device = devices.computeIfAbsent(deviceId, DeviceState::new);
        unregisterCommands(device.metrics);
        MetricTable table = new MetricTable();
        boolean aliasClash = false;
        for (Metric m : payload.metrics()) {
            if (m.name() == null) {
                continue;
            }
            MetricState state = born(m, deviceId, payload, now);
            if (state != null) {
                aliasClash |= !table.add(state) || (state.alias != null && metrics.byAlias.containsKey(state.alias));
            }
        }
        device.metrics = table;
        device.status = NodeStatus.ONLINE;
        device.onlineSinceMs = payload.timestamp() != null ? payload.timestamp() : now;
        device.offlineSinceMs = 0;
        project(table, deviceId, payload, topic, now);
        if (aliasClash) {
            requestRebirth("DBIRTH of '" + deviceId + "' reuses an alias of the node", false);
        }
    }

    private void onData(MetricTable table, String device, SparkplugPayload payload, long now) {
        long fallback = payload.timestamp() != null ? payload.timestamp() : now;
        for (Metric m : payload.metrics()) {
            MetricState state = table.resolve(m.name(), m.alias());
            if (state == null) {
                counts.unknownMetric();
                host.counters.unknownMetrics.increment();
                if (host.config.rebirthOnUnknownMetric()) {
                    requestRebirth("unknown metric " + (m.name() != null ? "'" + m.name() + "'"
                            : "alias " + Long.toUnsignedString(m.alias() == null ? -1 : m.alias()))
                            + (device.isEmpty() ? "" : " of device '" + device + "'"), false);
                }
                continue;
            }
            if (m.isHistorical()) {
                // Store-and-forward values are not the live value; the historian path is the edge's own topic.
                continue;
            }
            Object value = m.value();
            if (value instanceof UntypedValue untyped && state.datatype != null) {
                try {
                    value = ValueInterpreter.interpret(state.datatype, untyped);
                } catch (IllegalArgumentException e) {
                    // The wire field cannot carry the born datatype: this metric is malformed, the others still count.
                    counts.decodeError();
                    host.counters.malformed.increment();
                    host.log.warn("Sparkplug metric '{}' of {} does not fit its birth datatype {}: {}", state.name, key,
                            state.datatype.sparkplugName(), e.getMessage());
                    continue;
                }
            }
            state.value = value;
            state.isNull = m.isNull();
            state.timestamp = m.timestamp() != null ? m.timestamp() : fallback;
            Quality q = m.properties().quality();
            state.quality = q == null ? "uncertain" : qualityName(q);
            publishValue(state, state.timestamp, null);
        }
    }

    private void onDeviceDeath(String deviceId, SparkplugPayload payload, long now) {
        DeviceState device = devices.get(deviceId);
        if (device == null || device.status != NodeStatus.ONLINE) {
            LOG.debug("DDEATH of {}/{} that is not online: ignored", key, deviceId);
            return;
        }
        // tck-id-operational-behavior-edge-node-termination-host-action-ddeath-*: the DDEATH's own timestamp.
        long at = payload.timestamp() != null ? payload.timestamp() : now;
        device.status = NodeStatus.OFFLINE;
        device.offlineSinceMs = at;
        markStale(device.metrics, at);
    }

    private void onNodeDeath(UnsMessage message) {
        SparkplugPayload payload = decode(message, DatatypeLookup.NONE);
        if (payload == null) {
            return;
        }
        Long deathBdSeq = payload.bdSeq();
        if (deathBdSeq == null && bdSeqAlias != null) {
            for (Metric m : payload.metrics()) {
                if (bdSeqAlias.equals(m.alias()) && m.value() instanceof UntypedValue u && u.raw() instanceof Number n) {
                    deathBdSeq = n.longValue();
                }
            }
        }
        String client = message.origin().id();
        String ignore = null;
        if (status != NodeStatus.ONLINE) {
            ignore = "node is not online";
        } else if (deathBdSeq != null && bdSeq != null && !deathBdSeq.equals(bdSeq)) {
            ignore = "bdSeq " + deathBdSeq + " is not the current birth's " + bdSeq;
        } else if (birthClient != null && !birthClient.equals(client)) {
            ignore = "it comes from connection '" + client + "', the birth from '" + birthClient + "'";
        }
        if (ignore != null) {
            staleDeaths++;
            host.counters.staleDeathsIgnored.increment();
            LOG.info("NDEATH of {} ignored: {}", key, ignore);
            return;
        }
        // tck-id-operational-behavior-edge-node-termination-host-action-ndeath-*: the host's current time.
        long now = host.clock.millis();
        status = NodeStatus.OFFLINE;
        offlineSinceMs = now;
        cancelReorder();
        markStale(metrics, now);
        for (DeviceState device : devices.values()) {
            if (device.status == NodeStatus.ONLINE) {
                device.status = NodeStatus.OFFLINE;
                device.offlineSinceMs = now;
                markStale(device.metrics, now);
            }
        }
    }

    private void duplicateSeen(String other, String what) {
        duplicates++;
        lastDuplicateClient = other;
        host.counters.duplicateNodes.increment();
        host.log.warn("Sparkplug edge node {} on two connections? {}", key, what);
    }

    // ------------------------------------------------------------------ projection

    private MetricState born(Metric m, String device, SparkplugPayload payload, long now) {
        if (m.value() instanceof Template t && t.isDefinition()) {
            return null;
        }
        MetricTopics topics = device.isEmpty() && !host.config.projectNodeControl() && isNodeControl(m.name())
                ? MetricTopics.NONE : host.projector.topics(key.group(), key.node(), device, m.name());
        MetricState state = new MetricState(m, ValueJson.unitOf(m.properties()), topics,
                m.timestamp() != null ? m.timestamp() : payload.timestamp() != null ? payload.timestamp() : now);
        state.value = m.value();
        state.isNull = m.isNull();
        Quality q = m.properties().quality();
        state.quality = q == null ? "uncertain" : qualityName(q);
        return state;
    }

    /**
     * The node's protocol metrics: {@code bdSeq} (a session counter) and {@code Node Control/*} (rebirth, next
     * server, scan rate: the edge's own controls). They say nothing about the plant, so by default they are kept in
     * the node view (REST) but not published as process values. {@code Properties/*} (hardware make, OS, firmware)
     * describe the equipment and are projected like any metric.
     */
    static boolean isNodeControl(String name) {
        return name.equals("bdSeq") || name.startsWith("Node Control/");
    }

    private void project(MetricTable table, String device, SparkplugPayload payload, String topic, long now) {
        long birthMs = payload.timestamp() != null ? payload.timestamp() : now;
        for (MetricState state : table.byName.values()) {
            if (state.topics.meta() != null) {
                host.projector.publishRetained(state.topics.meta(),
                        ValueJson.meta(key.group(), key.node(), device, state.birth, topic, birthMs, state.unit));
            }
            publishValue(state, state.timestamp, null);
            if (state.topics.command() != null) {
                host.commands.register(state.topics.command(), key, device, state.name);
            }
        }
    }

    private void unregisterCommands(MetricTable table) {
        for (MetricState state : table.byName.values()) {
            if (state.topics.command() != null) {
                host.commands.unregister(state.topics.command(), key);
            }
        }
    }

    private void markStale(MetricTable table, long at) {
        for (MetricState state : table.byName.values()) {
            state.quality = "stale";
            publishValue(state, at, state.timestamp);
        }
    }

    private void publishValue(MetricState state, long timestampMs, Long valueTimestamp) {
        if (state.topics.value() == null) {
            return;
        }
        host.projector.publishRetained(state.topics.value(), ValueJson.value(state.value, state.isNull, timestampMs,
                state.quality, state.datatype, state.unit, valueTimestamp));
    }

    private static String qualityName(Quality q) {
        return switch (q) {
            case GOOD -> "good";
            case BAD -> "bad";
            case STALE -> "stale";
        };
    }

    // ------------------------------------------------------------------ rebirth requests

    /**
     * Sends {@code Node Control/Rebirth} unless the throttle holds it back; {@code onDemand} requests (REST) skip
     * the throttle. Returns whether a request went out.
     */
    boolean requestRebirth(String reason, boolean onDemand) {
        if (!onDemand && !host.config.primary()) {
            return false;
        }
        long nowNanos = System.nanoTime();
        long window = TimeUnit.MILLISECONDS.toNanos(host.config.rebirthThrottleMillis()) * backoff;
        if (!onDemand && lastRebirthNanos != 0 && nowNanos - lastRebirthNanos < window) {
            host.counters.rebirthsThrottled.increment();
            return false;
        }
        if (!host.sendRebirth(key)) {
            return false;
        }
        if (awaitingBirth && !onDemand) {
            backoff = Math.min(backoff * 2, MAX_BACKOFF);
        }
        lastRebirthNanos = nowNanos;
        awaitingBirth = true;
        counts.rebirthRequested();
        host.counters.rebirthsRequested.increment();
        if (reasons.size() == REASONS_KEPT) {
            reasons.pollFirst();
        }
        reasons.addLast(new NodeView.RebirthRecord(host.clock.millis(), reason));
        LOG.info("Rebirth requested from {}: {}", key, reason);
        return true;
    }

    // ------------------------------------------------------------------ commands and views

    /** The birth entry of a metric for a command, or {@code null}; {@code device} is {@code ""} for node metrics. */
    MetricState commandTarget(String device, String metric) {
        if (status != NodeStatus.ONLINE) {
            return null;
        }
        if (device.isEmpty()) {
            return metrics.byName.get(metric);
        }
        DeviceState d = devices.get(device);
        return d == null || d.status != NodeStatus.ONLINE ? null : d.metrics.byName.get(metric);
    }

    NodeView view() {
        List<NodeView.DeviceView> deviceViews = new ArrayList<>();
        for (DeviceState d : devices.values()) {
            deviceViews.add(new NodeView.DeviceView(d.id, d.status, d.onlineSinceMs, d.offlineSinceMs, metricViews(d.metrics)));
        }
        return new NodeView(key.group(), key.node(), status, bdSeq, lastSeq, birthClient, onlineSinceMs,
                offlineSinceMs, counts.messages(), counts.seqGaps(), counts.rebirthsRequested(), List.copyOf(reasons),
                counts.unknownMetrics(), counts.decodeErrors(),
                duplicates, lastDuplicateClient, staleDeaths, metricViews(metrics), deviceViews);
    }

    NodeView.Summary summary() {
        int online = 0;
        for (DeviceState d : devices.values()) {
            if (d.status == NodeStatus.ONLINE) {
                online++;
            }
        }
        return new NodeView.Summary(key.group(), key.node(), status, bdSeq, birthClient, devices.size(), online,
                metrics.byName.size(), counts.rebirthsRequested());
    }

    private static List<NodeView.MetricView> metricViews(MetricTable table) {
        List<NodeView.MetricView> views = new ArrayList<>(table.byName.size());
        for (MetricState m : table.byName.values()) {
            views.add(new NodeView.MetricView(m.name, m.alias == null ? null : Long.toUnsignedString(m.alias),
                    m.datatype == null ? null : m.datatype.sparkplugName(), m.isNull ? null : m.value, m.timestamp,
                    m.quality, m.unit, m.topics.value()));
        }
        return views;
    }

    /** Used by commands: the datatype lookup is not needed, but the node must still be the one born. */
    boolean isOnline() {
        return status == NodeStatus.ONLINE;
    }

    DataType datatypeOf(String device, String metric) {
        MetricState m = commandTarget(device, metric);
        return m == null ? null : m.datatype;
    }
}
