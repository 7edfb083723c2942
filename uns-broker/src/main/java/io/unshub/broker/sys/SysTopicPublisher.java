package io.unshub.broker.sys;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.unshub.broker.handler.ClientEvents;
import io.unshub.broker.handler.MqttConnection;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.routing.RetainedStore;
import io.unshub.broker.routing.SubscriptionTree;
import io.unshub.broker.session.Session;
import io.unshub.broker.session.SessionRegistry;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes broker statistics under {@code $SYS/brokers/<node>/} (retained, on an interval) and client
 * connect/disconnect events as JSON on {@code $SYS/brokers/<node>/clients/<clientId>/connected|disconnected}.
 * Also keeps the table of connected clients. Everything goes through the bus like any other message.
 *
 * <p>Thread-safe: events arrive on connection loops, statistics run on one scheduled executor.
 */
public final class SysTopicPublisher implements ClientEvents {

    private static final Origin ORIGIN = Origin.internal("$SYS");

    private final UnsBus bus;
    private final BrokerMetrics metrics;
    private final SubscriptionTree tree;
    private final RetainedStore retained;
    private final SessionRegistry sessions;
    private final String prefix;
    private final String version;
    private final ConcurrentHashMap<String, MqttConnection> connected = new ConcurrentHashMap<>();
    private ScheduledFuture<?> task;

    public SysTopicPublisher(UnsBus bus, BrokerMetrics metrics, SubscriptionTree tree, RetainedStore retained,
                             SessionRegistry sessions, String nodeName, String version) {
        this.bus = bus;
        this.metrics = metrics;
        this.tree = tree;
        this.retained = retained;
        this.sessions = sessions;
        this.prefix = "$SYS/brokers/" + nodeName + "/";
        this.version = version;
    }

    public void start(EventExecutor executor, Duration interval) {
        publish("version", version);
        if (!interval.isZero()) {
            long millis = interval.toMillis();
            task = executor.scheduleAtFixedRate(this::publishStatistics, 0, millis, TimeUnit.MILLISECONDS);
        }
    }

    public void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** The connected clients by client id. */
    public ConcurrentHashMap<String, MqttConnection> connectedClients() {
        return connected;
    }

    void publishStatistics() {
        long queued = 0;
        for (Session session : sessions.all()) {
            queued += session.queuedCount();
        }
        publish("uptime", Long.toString((System.currentTimeMillis() - metrics.startedAtMillis()) / 1000));
        publish("clients/connected", Long.toString(connected.size()));
        publish("clients/total", Long.toString(sessions.size()));
        publish("messages/received", Long.toString(metrics.messagesIn()));
        publish("messages/sent", Long.toString(metrics.messagesOut()));
        publish("messages/queued", Long.toString(queued));
        publish("messages/dropped", Long.toString(metrics.droppedTotal()));
        publish("bytes/received", Long.toString(metrics.bytesIn()));
        publish("bytes/sent", Long.toString(metrics.bytesOut()));
        publish("subscriptions/count", Long.toString(tree.subscriptionCount()));
        publish("retained/count", Long.toString(retained.size()));
    }

    private void publish(String suffix, String value) {
        bus.publish(UnsMessage.of(prefix + suffix, value.getBytes(StandardCharsets.UTF_8), 0, true,
                MessageProperties.NONE, ORIGIN));
    }

    @Override
    public void connected(MqttConnection connection) {
        connected.put(connection.clientId(), connection);
        String json = "{\"clientId\":" + JsonText.quote(connection.clientId())
                + ",\"address\":" + JsonText.quote(connection.remoteHost())
                + ",\"protocol\":" + JsonText.quote(connection.protocolVersion())
                + ",\"keepAlive\":" + connection.keepAliveSeconds()
                + ",\"username\":" + JsonText.quote(connection.username())
                + ",\"timestamp\":" + connection.connectedAtMillis() + "}";
        event(connection.clientId(), "connected", json);
    }

    @Override
    public void disconnected(MqttConnection connection, String reason) {
        connected.remove(connection.clientId(), connection);
        String json = "{\"clientId\":" + JsonText.quote(connection.clientId())
                + ",\"address\":" + JsonText.quote(connection.remoteHost())
                + ",\"reason\":" + JsonText.quote(reason)
                + ",\"timestamp\":" + System.currentTimeMillis() + "}";
        event(connection.clientId(), "disconnected", json);
    }

    private void event(String clientId, String kind, String json) {
        // A client id may contain '+', '#' or '/', which cannot appear as one topic level.
        String level = clientId.replace('/', '_').replace('+', '_').replace('#', '_');
        bus.publish(UnsMessage.of(prefix + "clients/" + level + "/" + kind, json.getBytes(StandardCharsets.UTF_8),
                0, false, MessageProperties.NONE, ORIGIN));
    }
}
