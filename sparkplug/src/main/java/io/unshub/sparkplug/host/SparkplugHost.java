package io.unshub.sparkplug.host;

import io.unshub.core.bus.BusSubscription;
import io.unshub.core.bus.OverflowPolicy;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.log.RateLimitedLog;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.sparkplug.SparkplugMapping;
import io.unshub.sparkplug.aware.CertificateStore;
import io.unshub.sparkplug.codec.SparkplugCommands;
import io.unshub.sparkplug.codec.SparkplugDecoder;
import io.unshub.sparkplug.codec.SparkplugEncoder;
import io.unshub.sparkplug.codec.ValueCoercion;
import io.unshub.sparkplug.command.CommandIndex;
import io.unshub.sparkplug.command.CommandResult;
import io.unshub.sparkplug.command.CommandValues;
import io.unshub.sparkplug.mapping.UnsProjector;
import io.unshub.sparkplug.model.SparkplugPayload;
import io.unshub.sparkplug.topic.MessageType;
import io.unshub.sparkplug.topic.SparkplugTopic;
import io.unshub.sparkplug.topic.SparkplugTopicParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The Sparkplug B host application embedded in the hub (digest §4): it subscribes to {@code spBv1.0/#} on the bus,
 * hands each edge node's messages to that node's {@link SerialQueue}, publishes the host STATE, stores births for
 * Sparkplug Aware clients, projects metrics into the namespace and turns writes on command topics into NCMD/DCMD.
 *
 * <p>Threads: one dispatcher thread drains the bus queue (parse the topic, pick the node, hand off); a small pool
 * runs the nodes' serial queues; one shared scheduler runs reorder timers (no timer per node). The node map is
 * concurrent; everything inside a node belongs to its queue.
 *
 * <p>Bus queue overflow policy: DROP_NEWEST (counted). A dropped Sparkplug message shows up as a seq gap, which
 * the node's state machine turns into a (throttled) rebirth request, so the host resynchronises instead of
 * silently applying a partial stream.
 */
public final class SparkplugHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SparkplugHost.class);
    /** Deepest location (levels before the class segment) a command topic is looked for at. */
    static final int MAX_COMMAND_DEPTH = 10;

    private final HostConfig config;
    private final UnsBus bus;
    private final Supplier<SparkplugMapping> mapping;
    private final Clock clock;
    private final SparkplugEncoder encoder = new SparkplugEncoder();
    private final HostCounters counters = new HostCounters();
    private final CommandIndex commandIndex = new CommandIndex();
    private final UnsProjector projector;
    private final CertificateStore certificates;
    private final StatePublisher state;
    private final ConcurrentHashMap<NodeKey, EdgeNode> nodes = new ConcurrentHashMap<>();
    private final ExecutorService dispatcher;
    private final ExecutorService commandThread;
    private final ExecutorService pool;
    private final ScheduledExecutorService scheduler;
    private final HostServices services;
    private final List<BusSubscription> subscriptions = new ArrayList<>();
    private volatile boolean running;
    private volatile NodeListener nodeListener = (group, node, counters) -> { };

    /** Told once per edge node the host sees for the first time, on the dispatcher thread (so it must be quick). */
    @FunctionalInterface
    public interface NodeListener {
        void nodeSeen(String group, String node, NodeCounters counters);
    }

    public SparkplugHost(HostConfig config, UnsBus bus, Supplier<SparkplugMapping> mapping, Clock clock) {
        this.config = config;
        this.bus = bus;
        this.mapping = mapping;
        this.clock = clock;
        this.projector = new UnsProjector(bus, mapping);
        this.certificates = new CertificateStore(bus, UnsProjector.ORIGIN);
        this.state = new StatePublisher(bus, config.hostId(), config.stateFile(), clock);
        this.dispatcher = Executors.newSingleThreadExecutor(named("sparkplug-dispatch"));
        this.commandThread = Executors.newSingleThreadExecutor(named("sparkplug-commands"));
        this.pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                named("sparkplug-node"));
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, named("sparkplug-timer"));
        timers.setRemoveOnCancelPolicy(true);
        this.scheduler = timers;
        this.services = new HostServices(config, new SparkplugDecoder(), projector, commandIndex, counters, scheduler,
                clock, RateLimitedLog.standard(LoggerFactory.getLogger(EdgeNode.class)), this::sendRebirth);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Subscribes (tck-id-host-topic-phid-birth-sub-required: {@code spBv1.0/#} before the birth), then publishes the
     * STATE birth when this host is the primary, then listens on the command topics.
     */
    public synchronized void start() {
        if (running) {
            return;
        }
        subscriptions.add(bus.subscribe(new SubscriberSpec("sparkplug-host", "spBv1.0/#", config.queueCapacity(),
                OverflowPolicy.DROP_NEWEST, dispatcher), this::dispatch));
        running = true;
        if (config.primary()) {
            state.start();
        }
        String commandClass = mapping.get().commandClass();
        if (commandClass != null) {
            StringBuilder filter = new StringBuilder();
            for (int depth = 1; depth <= MAX_COMMAND_DEPTH; depth++) {
                filter.append("+/");
                int classLevel = depth;
                // A topic with the class name twice matches two of these filters; only the first class segment counts.
                subscriptions.add(bus.subscribe(new SubscriberSpec("sparkplug-commands", filter + commandClass + "/#",
                        1024, OverflowPolicy.DROP_NEWEST, commandThread), message -> {
                            if (firstLevelOf(message.topic(), commandClass) == classLevel) {
                                onCommand(message);
                            }
                        }));
            }
        }
        LOG.info("Sparkplug host '{}' started ({}; STATE on {})", config.hostId(),
                config.primary() ? "primary" : "passive", state.topic());
    }

    /**
     * Digest §4.4: values the projection left in the retained store before a restart start STALE. Call once at
     * start with the broker's retained messages; returns how many were marked.
     */
    public int markRestoredValuesStale(Iterable<UnsMessage> retained) {
        int marked = io.unshub.sparkplug.mapping.RestoredValues.markStale(retained, projector, clock.millis());
        if (marked > 0) {
            LOG.info("{} Sparkplug values restored from the broker store marked stale until their nodes are born again",
                    marked);
        }
        return marked;
    }

    /** tck-id-operational-behavior-host-application-termination: the STATE death first, then the queues stop. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        state.stop();
        subscriptions.forEach(BusSubscription::close);
        subscriptions.clear();
        for (ExecutorService e : List.of(dispatcher, commandThread, pool, scheduler)) {
            e.shutdown();
        }
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ------------------------------------------------------------------ dispatch

    private void dispatch(UnsMessage message) {
        SparkplugTopicParser.Result parsed = SparkplugTopicParser.parse(message.topic());
        if (!(parsed instanceof SparkplugTopicParser.Result.Parsed p)) {
            LOG.debug("Not a Sparkplug 3.0 topic, ignored by the host: {}", message.topic());
            return;
        }
        if (p.topic() instanceof SparkplugTopic.StateTopic st) {
            if (st.hostId().equals(config.hostId()) && config.primary()) {
                state.onOwnState(message);
            }
            return;
        }
        SparkplugTopic.EdgeTopic edge = (SparkplugTopic.EdgeTopic) p.topic();
        MessageType type = edge.type();
        if (type.isCommand() || message.origin().equals(UnsProjector.ORIGIN)) {
            return;
        }
        if (type.isBirth()) {
            certificates.store(message);
        }
        NodeKey key = new NodeKey(edge.groupId(), edge.edgeNodeId());
        EdgeNode node = nodeFor(key);
        String device = edge.deviceId();
        node.queue.execute(() -> node.onMessage(type.name(), device, message));
    }

    /** Runs on the dispatcher, the only thread that creates nodes, so the node put here is the one announced. */
    private EdgeNode nodeFor(NodeKey key) {
        EdgeNode node = nodes.get(key);
        if (node == null) {
            node = new EdgeNode(key, new SerialQueue(pool), services);
            nodes.put(key, node);
            nodeListener.nodeSeen(key.group(), key.node(), node.counters());
        }
        return node;
    }

    // ------------------------------------------------------------------ rebirth

    private boolean sendRebirth(NodeKey key) {
        if (config.primary() && !state.online()) {
            // Never before our own STATE birth (the birth is the host's first message).
            return false;
        }
        SparkplugPayload payload = SparkplugCommands.rebirth(clock.millis());
        String topic = SparkplugTopic.EdgeTopic.node(key.group(), MessageType.NCMD, key.node()).topic();
        return bus.publish(UnsMessage.of(topic, encoder.encode(payload), 0, false, MessageProperties.NONE,
                UnsProjector.ORIGIN)).accepted();
    }

    /**
     * An operator's rebirth request (REST): sent at once, past the throttle. Completes with false when the node is
     * unknown.
     */
    public CompletableFuture<Boolean> requestRebirth(String group, String node) {
        EdgeNode n = nodes.get(new NodeKey(group, node));
        if (n == null) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        n.queue.execute(() -> done.complete(n.requestRebirth("requested by an operator", true)));
        return done;
    }

    // ------------------------------------------------------------------ commands

    /** The 0-based level at which {@code name} first occurs in {@code topic}, or -1. */
    static int firstLevelOf(String topic, String name) {
        int level = 0;
        int start = 0;
        while (true) {
            int slash = topic.indexOf('/', start);
            int end = slash < 0 ? topic.length() : slash;
            if (end - start == name.length() && topic.startsWith(name, start)) {
                return level;
            }
            if (slash < 0) {
                return -1;
            }
            start = slash + 1;
            level++;
        }
    }

    private void onCommand(UnsMessage message) {
        if (message.origin().equals(UnsProjector.ORIGIN)) {
            return;
        }
        CommandIndex.Target target = commandIndex.lookup(message.topic());
        if (target == null) {
            // Not a Sparkplug metric (the OPC UA bridge has command topics too), or a result topic.
            return;
        }
        if (message.retain()) {
            counters.retainedCommandsIgnored.increment();
            LOG.warn("Retained write on {} from '{}' ignored: retained commands are never executed",
                    message.topic(), message.origin().id());
            return;
        }
        Object value;
        try {
            value = CommandValues.read(message.payload());
        } catch (IllegalArgumentException e) {
            answer(message, CommandResult.failed(target.metric(), e.getMessage()));
            return;
        }
        EdgeNode node = nodes.get(target.node());
        if (node == null) {
            answer(message, CommandResult.failed(target.metric(), "edge node " + target.node() + " is unknown"));
            return;
        }
        node.queue.execute(() -> answer(message, write(node, target, value)));
    }

    /** Runs on the node's queue: the birth there is the one the command must match. */
    private CommandResult write(EdgeNode node, CommandIndex.Target target, Object json) {
        MetricState m = node.commandTarget(target.device(), target.metric());
        if (m == null) {
            return CommandResult.failed(target.metric(), (target.device().isEmpty() ? "edge node " + target.node()
                    : "device " + target.node() + "/" + target.device()) + " is offline or has no metric '"
                    + target.metric() + "'");
        }
        if (m.datatype == null) {
            return CommandResult.failed(target.metric(), "the birth gave '" + target.metric() + "' no datatype");
        }
        Object value;
        try {
            value = ValueCoercion.coerce(m.datatype, json);
        } catch (IllegalArgumentException e) {
            return CommandResult.failed(target.metric(), e.getMessage());
        }
        boolean byAlias = m.alias != null && !config.commandByName();
        long now = clock.millis();
        // The datatype always travels (digest P9): edges that decode without a birth table need it.
        SparkplugPayload payload = byAlias ? SparkplugCommands.write(now, m.alias, m.datatype, value)
                : SparkplugCommands.write(now, m.name, m.datatype, value);
        String topic = target.device().isEmpty()
                ? SparkplugTopic.EdgeTopic.node(target.node().group(), MessageType.NCMD, target.node().node()).topic()
                : SparkplugTopic.EdgeTopic.device(target.node().group(), MessageType.DCMD, target.node().node(),
                        target.device()).topic();
        byte[] bytes;
        try {
            bytes = encoder.encode(payload);
        } catch (IllegalArgumentException e) {
            return CommandResult.failed(target.metric(), e.getMessage());
        }
        boolean accepted = bus.publish(UnsMessage.of(topic, bytes, 0, false, MessageProperties.NONE,
                UnsProjector.ORIGIN)).accepted();
        if (!accepted) {
            return CommandResult.failed(target.metric(), "the hub refused to publish on " + topic);
        }
        return CommandResult.sent(topic, m.name, m.datatype == null ? null : m.datatype.sparkplugName());
    }

    /** The outcome on the MQTT 5 response topic (with the correlation data), else on {@code <command topic>/result}. */
    private void answer(UnsMessage command, CommandResult result) {
        if (result.sent()) {
            counters.commandsSent.increment();
        } else {
            counters.commandsFailed.increment();
            LOG.info("Write on {} from '{}' not sent: {}", command.topic(), command.origin().id(), result.error());
        }
        StringBuilder json = new StringBuilder(128).append("{\"status\":\"").append(result.sent() ? "sent" : "error")
                .append("\",\"metric\":").append(quote(result.metric()));
        if (result.sent()) {
            json.append(",\"sparkplug_topic\":").append(quote(result.sparkplugTopic()))
                    .append(",\"datatype\":").append(quote(result.datatype()));
        } else {
            json.append(",\"error\":").append(quote(result.error()));
        }
        json.append(",\"timestamp_ms\":").append(clock.millis()).append('}');
        byte[] payload = json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MessageProperties props = command.properties();
        if (props.responseTopic() != null) {
            projector.publish(props.responseTopic(), payload, false, new MessageProperties(true,
                    MessageProperties.NO_EXPIRY, "application/json", null, props.correlationData(), List.of()));
        } else {
            projector.publish(command.topic() + "/result", payload, false, MessageProperties.NONE);
        }
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    // ------------------------------------------------------------------ views

    /** Every node the host has seen, sorted by group and node. */
    public List<NodeView.Summary> nodes() {
        List<CompletableFuture<NodeView.Summary>> futures = new ArrayList<>();
        for (EdgeNode n : nodes.values()) {
            CompletableFuture<NodeView.Summary> f = new CompletableFuture<>();
            n.queue.execute(() -> f.complete(n.summary()));
            futures.add(f);
        }
        List<NodeView.Summary> out = new ArrayList<>();
        for (CompletableFuture<NodeView.Summary> f : futures) {
            out.add(f.orTimeout(5, TimeUnit.SECONDS).join());
        }
        out.sort(Comparator.comparing(NodeView.Summary::group).thenComparing(NodeView.Summary::node));
        return out;
    }

    /** One node's snapshot, empty when the host has never seen it. */
    public Optional<NodeView> node(String group, String node) {
        EdgeNode n = nodes.get(new NodeKey(group, node));
        if (n == null) {
            return Optional.empty();
        }
        CompletableFuture<NodeView> f = new CompletableFuture<>();
        n.queue.execute(() -> f.complete(n.view()));
        return Optional.of(f.orTimeout(5, TimeUnit.SECONDS).join());
    }

    public long nodesOnline() {
        return nodes.values().stream().filter(n -> n.status() == NodeStatus.ONLINE).count();
    }

    public long nodesOffline() {
        return nodes.values().stream().filter(n -> n.status() == NodeStatus.OFFLINE).count();
    }

    public long nodesKnown() {
        return nodes.size();
    }

    /**
     * Sets the listener for newly seen edge nodes and tells it at once about the nodes already known (a node seen
     * while this runs may be told twice).
     */
    public void setNodeListener(NodeListener listener) {
        this.nodeListener = listener;
        for (EdgeNode n : nodes.values()) {
            listener.nodeSeen(n.key().group(), n.key().node(), n.counters());
        }
    }

    public HostCounters counters() {
        return counters;
    }

    /** Messages the bus queue dropped because the host fell behind. */
    public long droppedOnOverflow() {
        return subscriptions.isEmpty() ? 0 : subscriptions.getFirst().dropped();
    }

    public long projected() {
        return projector.published();
    }

    public long projectionsRejected() {
        return projector.rejected();
    }

    public long certificatesStored() {
        return certificates.stored();
    }

    public HostConfig config() {
        return config;
    }

    public String stateTopic() {
        return state.topic();
    }

    public boolean isRunning() {
        return running;
    }

    /** The timestamp of the current STATE birth, 0 when not online. */
    public long stateTimestamp() {
        return state.online() ? state.timestamp() : 0;
    }
}
