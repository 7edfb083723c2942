package io.unshub.broker.routing;

import io.unshub.core.topic.Topics;

/**
 * One subscription of one subscriber, as stored in the tree. Immutable; a re-subscribe to the same
 * filter replaces the object.
 *
 * @param owner             the session or in-process subscriber
 * @param filter            the filter as subscribed, including a {@code $share/<group>/} prefix
 * @param qos               the granted maximum QoS
 * @param noLocal           do not deliver the subscriber's own publications (MQTT 5)
 * @param retainAsPublished keep the publisher's retain flag on delivery (MQTT 5)
 * @param retainHandling    0 send retained at subscribe, 1 only if the subscription is new, 2 never (MQTT 5)
 * @param subscriptionId    the MQTT 5 subscription identifier, 0 for none
 */
public record Subscription(Subscriber owner, String filter, int qos, boolean noLocal, boolean retainAsPublished,
                           int retainHandling, int subscriptionId) {

    /** The filter the tree matches topics against: the filter without its {@code $share/<group>/} prefix. */
    public String matchFilter() {
        return Topics.matchingFilter(filter);
    }

    /** The share name of a shared subscription, {@code null} otherwise. */
    public String shareGroup() {
        return Topics.isShared(filter) ? Topics.shareGroup(filter) : null;
    }
}
