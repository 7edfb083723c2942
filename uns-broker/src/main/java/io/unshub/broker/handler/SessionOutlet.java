package io.unshub.broker.handler;

import io.unshub.broker.routing.Subscription;
import io.unshub.broker.session.Session;
import io.unshub.core.message.UnsMessage;

/**
 * A {@link SubscriptionOutlet} onto one subscription of a session: deliveries go straight into the session's
 * bounded inbox, exactly as the router would hand them over, but to this subscriber only. Holds no mutable
 * state of its own; the session's inbox makes it safe from any thread.
 */
final class SessionOutlet implements SubscriptionOutlet {

    private final Session session;
    private final Subscription subscription;
    private final int[] subscriptionIds;

    SessionOutlet(Session session, Subscription subscription) {
        this.session = session;
        this.subscription = subscription;
        this.subscriptionIds = subscription.subscriptionId() == 0 ? null : new int[] {subscription.subscriptionId()};
    }

    @Override
    public String clientId() {
        return session.clientId();
    }

    @Override
    public int grantedQos() {
        return subscription.qos();
    }

    @Override
    public boolean deliver(UnsMessage message) {
        if (!open()) {
            return false;
        }
        session.deliver(message, Math.min(message.qos(), subscription.qos()), false, subscriptionIds, null);
        return true;
    }

    @Override
    public int backlog() {
        return session.queuedCount() + session.inflightCount();
    }

    @Override
    public boolean open() {
        // A re-subscribe to the same filter replaces the object, so identity tells "still this subscription".
        return !session.isEnded() && session.isConnected() && session.subscriptions().get(subscription.filter()) == subscription;
    }
}
