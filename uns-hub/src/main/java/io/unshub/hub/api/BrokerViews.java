package io.unshub.hub.api;

import io.unshub.broker.handler.MqttConnection;
import io.unshub.broker.routing.Subscription;
import io.unshub.broker.session.Session;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;

import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/** JSON shapes of broker state for the REST API. */
final class BrokerViews {

    private BrokerViews() {
    }

    /** A client: a connected network client, or a persistent session waiting for its client. */
    record ClientView(String clientId, boolean connected, String protocol, String address, Integer keepAliveSeconds,
                      String username, Instant connectedAt, long sessionExpirySeconds, int subscriptions, int queued,
                      int inflight) {
    }

    record ClientDetail(ClientView client, List<SubscriptionView> subscriptions) {
    }

    record SubscriptionView(String clientId, String filter, int qos, boolean noLocal, boolean retainAsPublished,
                            int retainHandling, Integer subscriptionId, String shareGroup) {
    }

    record RetainedView(String topic, String payload, String payloadEncoding, int qos, Instant receivedAt,
                        String publisher, List<UserProperty> userProperties) {
    }

    static ClientView client(Session session, MqttConnection connection) {
        boolean connected = connection != null && session != null && session.connection() == connection;
        return new ClientView(session.clientId(), connected,
                connected ? connection.protocolVersion() : null,
                connected ? connection.remoteHost() : null,
                connected ? connection.keepAliveSeconds() : null,
                connected ? connection.username() : null,
                connected ? Instant.ofEpochMilli(connection.connectedAtMillis()) : null,
                session.expirySeconds(), session.subscriptions().size(), session.queuedCount(), session.inflightCount());
    }

    static SubscriptionView subscription(Subscription subscription) {
        return new SubscriptionView(subscription.owner().subscriberId(), subscription.filter(), subscription.qos(),
                subscription.noLocal(), subscription.retainAsPublished(), subscription.retainHandling(),
                subscription.subscriptionId() == 0 ? null : subscription.subscriptionId(), subscription.shareGroup());
    }

    static List<SubscriptionView> subscriptions(Session session) {
        return session.subscriptions().values().stream()
                .map(BrokerViews::subscription)
                .sorted(Comparator.comparing(SubscriptionView::filter))
                .toList();
    }

    static RetainedView retained(UnsMessage message) {
        String text = PayloadView.utf8OrNull(message.payload());
        return new RetainedView(message.topic(),
                text != null ? text : Base64.getEncoder().encodeToString(message.payload()),
                text != null ? "utf-8" : "base64", message.qos(), Instant.ofEpochMilli(message.receivedAtMillis()),
                message.origin().id(), message.properties().userProperties());
    }
}
