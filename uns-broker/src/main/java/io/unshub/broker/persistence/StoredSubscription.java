package io.unshub.broker.persistence;

import io.unshub.broker.routing.Subscriber;
import io.unshub.broker.routing.Subscription;

/**
 * A subscription as stored: {@link Subscription} without its owner, which is the session the record
 * belongs to. Immutable.
 *
 * @param filter            the filter as subscribed, including a {@code $share/<group>/} prefix
 * @param qos               the granted maximum QoS
 * @param noLocal           MQTT 5 no-local
 * @param retainAsPublished MQTT 5 retain-as-published
 * @param retainHandling    MQTT 5 retain handling, 0..2
 * @param subscriptionId    MQTT 5 subscription identifier, 0 for none
 */
public record StoredSubscription(String filter, int qos, boolean noLocal, boolean retainAsPublished,
                                 int retainHandling, int subscriptionId) {

    public StoredSubscription {
        if (filter == null) {
            throw new NullPointerException("filter");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0..2, was " + qos);
        }
        if (retainHandling < 0 || retainHandling > 2) {
            throw new IllegalArgumentException("retainHandling must be 0..2, was " + retainHandling);
        }
        if (subscriptionId < 0) {
            throw new IllegalArgumentException("subscriptionId must not be negative");
        }
    }

    public static StoredSubscription of(Subscription subscription) {
        return new StoredSubscription(subscription.filter(), subscription.qos(), subscription.noLocal(),
                subscription.retainAsPublished(), subscription.retainHandling(), subscription.subscriptionId());
    }

    /** The subscription again, owned by the recovered session. */
    public Subscription toSubscription(Subscriber owner) {
        return new Subscription(owner, filter, qos, noLocal, retainAsPublished, retainHandling, subscriptionId);
    }
}
