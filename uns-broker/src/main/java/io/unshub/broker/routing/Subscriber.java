package io.unshub.broker.routing;

import io.unshub.core.message.UnsMessage;

/** Something that holds subscriptions in the tree: a client session or an in-process mailbox. */
public interface Subscriber {

    /** Client id for sessions, the component name for in-process subscribers. */
    String subscriberId();

    /** Whether a message handed over now would go out at once (shared subscriptions prefer such members). */
    boolean isOnline();

    /**
     * Hands a message over; never blocks. Called on the publisher's thread.
     *
     * @param qos             the QoS to deliver at
     * @param retain          the retain flag to deliver with
     * @param subscriptionIds MQTT 5 subscription identifiers to attach, or {@code null}
     * @param sharedGroup     the shared subscription it came through, or {@code null}
     */
    void deliver(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, SharedGroup sharedGroup);
}
