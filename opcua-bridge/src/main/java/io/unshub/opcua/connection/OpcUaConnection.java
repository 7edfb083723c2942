package io.unshub.opcua.connection;

import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.log.RateLimitedLog;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.opcua.browse.BrowseEntry;
import io.unshub.opcua.browse.BrowseImporter;
import io.unshub.opcua.browse.NodeBrowser;
import io.unshub.opcua.config.BrowseConfig;
import io.unshub.opcua.config.ConnectionConfig;
import io.unshub.opcua.config.TagConfig;
import io.unshub.opcua.conversion.JsonBuffer;
import io.unshub.opcua.conversion.ValueEncoder;
import io.unshub.opcua.pki.ApplicationIdentity;
import io.unshub.opcua.pki.CertificateInfo;
import io.unshub.opcua.pki.ServerTrust;
import io.unshub.opcua.subscription.ItemFactory;
import io.unshub.opcua.subscription.TagBinding;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * One OPC UA server: connects (blocking Milo calls run on the connection's own worker thread, never on the
 * caller's or Milo's), subscribes to every tag, publishes each value as retained UNS JSON, and when the session
 * is lost marks every tag {@code bad} at once, publishes the state under {@code _meta}, drops the client and
 * reconnects with back-off and jitter on a fresh client, so no monitored item is ever created twice on one
 * session. The worker thread owns the client, the generation and the back-off; Milo's subscription delivery
 * thread runs {@link #onValue}, which only encodes and hands the value to the non-blocking bus.
 */
public final class OpcUaConnection {

    public static final Origin ORIGIN = Origin.internal("opcua");
    private static final Logger LOG = LoggerFactory.getLogger(OpcUaConnection.class);
    private static final RateLimitedLog REJECTIONS = RateLimitedLog.standard(LOG);

    private final ConnectionConfig config;
    private final UnsBus bus;
    private final ApplicationIdentity identity;
    private final ServerTrust trust;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService worker;
    private final ValueEncoder encoder;
    private final Backoff backoff;
    private final ConnectionStats stats = new ConnectionStats();
    private final JsonBuffer stateJson = new JsonBuffer();

    private volatile ConnectionState state = ConnectionState.connecting;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile Instant since = Instant.now();
    private volatile CertificateInfo serverCertificate;
    private volatile EndpointDescription endpointInUse;
    private volatile List<TagBinding> bindings = List.of();
    private volatile int items;
    private volatile OpcUaClient client;
    /** Bumped by the worker for every client; callbacks of an older client are ignored. */
    private volatile int generation;
    private volatile boolean stopped;
    private ScheduledFuture<?> retry;

    public OpcUaConnection(ConnectionConfig config, UnsBus bus, ApplicationIdentity identity, ServerTrust trust,
                           ScheduledExecutorService scheduler) {
        this.config = config;
        this.bus = bus;
        this.identity = identity;
        this.trust = trust;
        this.scheduler = scheduler;
        this.encoder = new ValueEncoder(config.timestamp());
        this.backoff = new Backoff(config.reconnect());
        this.worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("opcua-" + config.name())
                .factory());
    }

    public ConnectionConfig config() {
        return config;
    }

    public ConnectionStats stats() {
        return stats;
    }

    public ConnectionState state() {
        return state;
    }

    /** The connected client, or {@code null}; callers must cope with it going away at any time. */
    public OpcUaClient client() {
        return client;
    }

    /** Starts connecting in the background; never blocks. */
    public void start() {
        publishState();
        worker.execute(this::attempt);
    }

    /** Disconnects and stops retrying; waits up to {@code timeout} for the session to close. */
    public void stop(Duration timeout) {
        stopped = true;
        worker.execute(() -> {
            if (retry != null) {
                retry.cancel(false);
            }
            OpcUaClient c = client;
            client = null;
            generation++;
            if (c != null) {
                try {
                    c.disconnectAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    LOG.debug("OPC UA connection {}: disconnect did not finish cleanly: {}", config.name(), e.toString());
                }
            }
            state = ConnectionState.stopped;
            since = Instant.now();
            publishState();
        });
        worker.shutdown();
        try {
            if (!worker.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.shutdownNow();
        }
    }

    /** One connection attempt; runs on the worker. */
    private void attempt() {
        if (stopped) {
            return;
        }
        int gen = ++generation;
        OpcUaClient c = null;
        try {
            c = ClientFactory.create(config, identity, trust);
            c.connect();
            EndpointDescription endpoint = c.getConfig().getEndpoint();
            endpointInUse = endpoint;
            serverCertificate = certificate(endpoint.getServerCertificate());
            List<TagBinding> fresh = resolveBindings(c);
            subscribe(c, gen, fresh);
            OpcUaClient connected = c;
            c.addSessionActivityListener(new SessionActivityListener() {
                @Override
                public void onSessionInactive(UaSession session) {
                    // A Milo thread: hand off at once.
                    handOff(gen, "the session with the server was lost");
                }
            });
            client = connected;
            backoff.reset();
            state = ConnectionState.connected;
            since = Instant.now();
            LOG.info("OPC UA connection {}: connected to {} ({} tags, {} monitored items)", config.name(),
                    endpoint.getEndpointUrl(), fresh.size(), items);
            publishState();
        } catch (Exception e) {
            error(describe(e));
            LOG.warn("OPC UA connection {}: cannot connect to {}: {}", config.name(), config.endpoint(), lastError);
            if (c != null) {
                discard(c);
            }
            retryLater();
        }
    }

    private void handOff(int gen, String reason) {
        try {
            worker.execute(() -> lost(gen, reason));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Stopping: nothing to do.
        }
    }

    /** Runs on the worker when the session of generation {@code gen} went away. */
    private void lost(int gen, String reason) {
        if (gen != generation || stopped || state != ConnectionState.connected) {
            return;
        }
        error(reason);
        LOG.warn("OPC UA connection {}: {}; tags are bad until it is back", config.name(), reason);
        OpcUaClient c = client;
        client = null;
        generation++;
        markBad(StatusCodes.Bad_NoCommunication);
        state = ConnectionState.reconnecting;
        since = Instant.now();
        publishState();
        stats.reconnects.increment();
        if (c != null) {
            discard(c);
        }
        retryLater();
    }

    private void retryLater() {
        if (stopped) {
            return;
        }
        if (state != ConnectionState.reconnecting) {
            state = ConnectionState.reconnecting;
            publishState();
        }
        long delay = backoff.next();
        retry = scheduler.schedule(() -> {
            try {
                worker.execute(this::attempt);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Stopped meanwhile.
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Closes a client without waiting: a dead server must not hold up the worker. */
    private void discard(OpcUaClient c) {
        c.disconnectAsync().whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.debug("OPC UA connection {}: old session not closed cleanly: {}", config.name(), failure.toString());
            }
        });
    }

    /** The configured tags plus those imported by browsing, keeping last values of tags known before. */
    private List<TagBinding> resolveBindings(OpcUaClient c) throws UaException {
        Map<String, TagBinding> previous = new LinkedHashMap<>();
        for (TagBinding b : bindings) {
            previous.put(b.topic(), b);
        }
        Map<String, TagBinding> fresh = new LinkedHashMap<>();
        for (TagConfig tag : config.tags()) {
            String topic = config.location() + "/" + tag.tag();
            fresh.put(topic, previous.getOrDefault(topic, new TagBinding(tag.nodeId(), topic, tag.unit(), tag.item())));
        }
        for (BrowseConfig browse : config.browses()) {
            BrowseImporter.expand(c, config.location(), browse, b -> fresh.putIfAbsent(b.topic(),
                    previous.getOrDefault(b.topic(), b)));
        }
        List<TagBinding> list = List.copyOf(fresh.values());
        bindings = list;
        return list;
    }

    private void subscribe(OpcUaClient c, int gen, List<TagBinding> tags) throws UaException {
        OpcUaSubscription subscription = new OpcUaSubscription(c, config.publishingIntervalMs());
        subscription.setMaxMonitoredItemsPerCall(uint(config.maxItemsPerCall()));
        subscription.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
            @Override
            public void onWatchdogTimerElapsed(OpcUaSubscription s) {
                handOff(gen, "the server stopped sending publish responses");
            }

            @Override
            public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
                handOff(gen, "the subscription could not be transferred: " + statusName(status.getValue()));
            }
        });
        subscription.create();
        List<OpcUaMonitoredItem> monitored = new ArrayList<>(tags.size());
        Map<OpcUaMonitoredItem, TagBinding> byItem = new java.util.IdentityHashMap<>();
        for (TagBinding tag : tags) {
            tag.failure(null);
            NodeId node;
            try {
                node = ExpandedNodeId.parse(tag.nodeId()).toNodeId(c.getNamespaceTable()).orElse(null);
            } catch (RuntimeException e) {
                node = null;
            }
            if (node == null) {
                tag.failure("Bad_NodeIdUnknown: the server has no namespace for " + tag.nodeId());
                continue;
            }
            OpcUaMonitoredItem item = ItemFactory.create(node, tag.item());
            item.setDataValueListener((it, value) -> onValue(gen, tag, value));
            monitored.add(item);
            byItem.put(item, tag);
        }
        subscription.addMonitoredItems(monitored);
        int good = 0;
        List<OpcUaMonitoredItem> refused = new ArrayList<>();
        for (MonitoredItemServiceOperationResult result : subscription.createMonitoredItems()) {
            TagBinding tag = byItem.get(result.monitoredItem());
            if (result.isGood()) {
                good++;
            } else {
                long code = result.operationResult().orElse(result.serviceResult()).getValue();
                if (tag != null) {
                    tag.failure(statusName(code));
                }
                refused.add(result.monitoredItem());
            }
        }
        // Refused items are kept out of the subscription so no later synchronisation retries them.
        subscription.removeMonitoredItems(refused);
        items = good;
        for (TagBinding tag : tags) {
            if (tag.failure() != null) {
                LOG.warn("OPC UA connection {}: tag {} ({}) is not monitored: {}", config.name(), tag.topic(),
                        tag.nodeId(), tag.failure());
            }
        }
    }

    /** Milo's delivery thread: encode and hand to the bus, which never blocks. */
    private void onValue(int gen, TagBinding tag, DataValue value) {
        if (gen != generation) {
            return;
        }
        Object v = value.getValue() == null ? null : value.getValue().getValue();
        tag.received(v);
        byte[] payload = encoder.encode(value, tag.unit());
        publish(tag.topic(), payload);
        stats.values.increment();
    }

    /** Publishes every tag's last value with a bad status: consumers see "no data", not "no change". */
    private void markBad(long statusCode) {
        long now = System.currentTimeMillis();
        for (TagBinding tag : bindings) {
            publish(tag.topic(), encoder.encode(tag.lastValue(), now, statusCode, tag.unit()));
        }
    }

    private void publish(String topic, byte[] payload) {
        PublishOutcome outcome = bus.publish(UnsMessage.of(topic, payload, 0, true, MessageProperties.NONE, ORIGIN));
        if (outcome instanceof PublishOutcome.Rejected r) {
            stats.rejected.increment();
            REJECTIONS.warn("OPC UA connection {}: the hub refused {}: {}", config.name(), topic, r.reason());
        }
    }

    private void publishState() {
        byte[] payload;
        synchronized (stateJson) {
            JsonBuffer out = stateJson.reset();
            out.raw('{').key("state").string(state.name());
            out.raw(',').key("connection").string(config.name());
            out.raw(',').key("endpoint").string(config.endpoint());
            out.raw(',').key("since_ms").number(since.toEpochMilli());
            out.raw(',').key("timestamp_ms").number(System.currentTimeMillis());
            out.raw(',').key("last_error");
            if (lastError == null) {
                out.nul();
            } else {
                out.string(lastError);
            }
            out.raw('}');
            payload = out.toBytes();
        }
        PublishOutcome outcome = bus.publish(UnsMessage.of(config.stateTopic(), payload, 1, true,
                MessageProperties.NONE, ORIGIN));
        if (outcome instanceof PublishOutcome.Rejected r) {
            REJECTIONS.warn("OPC UA connection {}: the hub refused its state topic {}: {}", config.name(),
                    config.stateTopic(), r.reason());
        }
    }

    private void error(String message) {
        lastError = message;
        lastErrorAt = Instant.now();
    }

    /** The children of a node, for writing config; blocking, on the caller's thread. */
    public List<BrowseEntry> browse(String node) throws UaException {
        OpcUaClient c = client;
        if (c == null) {
            throw new IllegalStateException("connection " + config.name() + " is " + state);
        }
        NodeId id = ExpandedNodeId.parse(node).toNodeIdOrThrow(c.getNamespaceTable());
        return NodeBrowser.entries(c, id);
    }

    public ConnectionStatus status() {
        EndpointDescription endpoint = endpointInUse;
        List<ItemFailure> failures = new ArrayList<>();
        for (TagBinding tag : bindings) {
            if (tag.failure() != null) {
                failures.add(new ItemFailure(tag.topic(), tag.nodeId(), tag.failure()));
            }
        }
        ConnectionState s = state;
        return new ConnectionStatus(config.name(), s, config.endpoint(),
                endpoint == null ? null : endpoint.getEndpointUrl(),
                endpoint == null ? config.security().policy().name() : endpoint.getSecurityPolicyUri(),
                endpoint == null ? config.security().mode().name() : String.valueOf(endpoint.getSecurityMode()),
                serverCertificate, lastError, lastErrorAt, since, bindings.size(),
                s == ConnectionState.connected ? items : 0, failures, stats.values.sum(), stats.reconnects.sum(),
                stats.writes.sum(), stats.writeFailures.sum());
    }

    /** Tags whose item failed, for the metric. */
    public int failedItems() {
        int n = 0;
        for (TagBinding tag : bindings) {
            if (tag.failure() != null) {
                n++;
            }
        }
        return n;
    }

    private static CertificateInfo certificate(ByteString der) {
        if (der == null || der.isNull() || der.length() == 0) {
            return null;
        }
        try {
            return CertificateInfo.of(CertificateUtil.decodeCertificate(der.bytes()), null);
        } catch (UaException e) {
            return null;
        }
    }

    public static String statusName(long code) {
        return StatusCodes.lookup(code).map(n -> n[0]).orElse("0x" + String.format("%08X", code));
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof UaException)) {
            t = t.getCause();
        }
        if (t instanceof UaException ua) {
            String name = statusName(ua.getStatusCode().getValue());
            String message = ua.getMessage();
            return message == null || message.contains(name) ? name : name + ": " + message;
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
