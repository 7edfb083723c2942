package io.unshub.broker;

import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.handler.MqttConnection;
import io.unshub.broker.handler.SubscriptionPolicy;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.persistence.BrokerStore;
import io.unshub.broker.persistence.InMemoryBrokerStore;
import io.unshub.broker.persistence.RecoveredState;
import io.unshub.broker.routing.RetainedStore;
import io.unshub.broker.routing.Router;
import io.unshub.broker.routing.SubscriptionTree;
import io.unshub.broker.session.Session;
import io.unshub.broker.session.SessionRegistry;
import io.unshub.broker.sys.SysTopicPublisher;
import io.unshub.broker.transport.MqttServer;
import io.unshub.broker.transport.ReasonCodes;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishTap;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.lifecycle.Lifecycle;
import io.unshub.core.message.UnsMessage;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The MQTT broker assembled from its parts: listeners, the router (which is the hub's {@link UnsBus}),
 * the subscription tree, retained store, sessions and $SYS. Plain Java; the hub starts and stops it.
 */
public final class Broker implements Lifecycle {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final SubscriptionTree tree = new SubscriptionTree();
    private final RetainedStore retained = new RetainedStore();
    private final Router router;
    private final SessionRegistry sessions;
    private final SysTopicPublisher sys;
    private final MqttServer server;
    private final BrokerStore store;

    public Broker(BrokerConfig config) {
        this(config, BrokerExtensions.NONE);
    }

    public Broker(BrokerConfig config, SubscriptionPolicy subscriptionPolicy) {
        this(config, new BrokerExtensions(subscriptionPolicy, PublishGuard.ACCEPT_ALL, PublishTap.NONE));
    }

    public Broker(BrokerConfig config, BrokerExtensions extensions) {
        this(config, extensions, new InMemoryBrokerStore());
    }

    /**
     * A broker whose retained messages and persistent sessions live in {@code store}: read back at
     * {@link #start()}, closed at {@link #stop()} (the broker owns it from here on).
     */
    public Broker(BrokerConfig config, BrokerExtensions extensions, BrokerStore store) {
        this.config = config;
        this.store = store;
        this.router = new Router(tree, retained, metrics, extensions.publishGuard(), extensions.publishTap(), store);
        this.sessions = new SessionRegistry(tree, router, metrics,
                new Session.SessionLimits(config.maxQueuedMessages(), config.queueQos0WhileOffline(),
                        BrokerConfig.NEVER_EXPIRE), store);
        this.sys = new SysTopicPublisher(router, metrics, tree, retained, sessions, config.nodeName(), version());
        this.server = new MqttServer(config, metrics,
                () -> new MqttConnection(config, router, sessions, tree, retained, metrics, extensions, sys));
    }

    public static String version() {
        String version = Broker.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public void start() {
        server.start(loops -> {
            // Before the listeners bind: no client sees the broker without its recovered state.
            long now = System.currentTimeMillis();
            RecoveredState recovered = store.recover(now);
            for (UnsMessage message : recovered.retained()) {
                retained.apply(message);
            }
            sessions.restore(recovered, loops, now);
            RecoveredState.Stats stats = recovered.stats();
            if (store.persistent()) {
                LOG.info("Broker store: {} retained messages, {} sessions recovered; dropped while down: {} expired "
                                + "sessions ({} messages), {} expired queued, {} expired retained, {} unreadable records",
                        recovered.retained().size(), recovered.sessions().size(), stats.sessionsExpired(),
                        stats.messagesOfExpiredSessions(), stats.queuedExpired(), stats.retainedExpired(),
                        stats.unreadable());
            }
        });
        sys.start(server.group().next(), config.sysInterval());
    }

    /**
     * Graceful stop: stops accepting connections, tells every connected client (MQTT 5: DISCONNECT 0x8B server
     * shutting down), lets the event loops write what they hold, then closes the store, which syncs what was
     * committed.
     */
    @Override
    public void stop() {
        sys.stop();
        server.closeListeners(); // first: a client told to go away must not find the door open again
        for (MqttConnection connection : sys.connectedClients().values()) {
            connection.disconnect(ReasonCodes.SERVER_SHUTTING_DOWN, "server shutting down");
        }
        server.stop();
        store.close(); // after the loops stopped: writes and syncs what they committed
    }

    public BrokerStore store() {
        return store;
    }

    public UnsBus bus() {
        return router;
    }

    public BrokerConfig config() {
        return config;
    }

    public int tcpPort() {
        return server.tcpPort();
    }

    public int wsPort() {
        return server.wsPort();
    }

    /** The bound MQTT over TLS port, or -1 when off (no certificate configured, or the port disabled). */
    public int tlsPort() {
        return server.tlsPort();
    }

    /** The bound secure WebSocket port, or -1 when off. */
    public int wssPort() {
        return server.wssPort();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** Whether every MQTT event loop runs a task within the timeout. */
    public boolean eventLoopsRespond(long timeoutMillis) {
        return server.loopsRespond(timeoutMillis);
    }

    public BrokerMetrics metrics() {
        return metrics;
    }

    public SubscriptionTree subscriptions() {
        return tree;
    }

    public RetainedStore retained() {
        return retained;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    /** Connected clients by client id. */
    public Map<String, MqttConnection> connections() {
        return sys.connectedClients();
    }

    public Optional<MqttConnection> connection(String clientId) {
        return Optional.ofNullable(sys.connectedClients().get(clientId));
    }

    /** The remote address ({@code host:port}) of the connected client with this id, or {@code null}. */
    public String remoteAddressOf(String clientId) {
        MqttConnection connection = sys.connectedClients().get(clientId);
        return connection == null ? null : connection.remoteHost();
    }

    public Collection<Session> allSessions() {
        return sessions.all();
    }

    /** Disconnects a client with 0x98 (administrative action); false if it is not connected. */
    public boolean disconnect(String clientId) {
        MqttConnection connection = sys.connectedClients().get(clientId);
        if (connection == null) {
            return false;
        }
        connection.disconnect(ReasonCodes.ADMINISTRATIVE_ACTION, "disconnected by an administrator");
        return true;
    }
}
