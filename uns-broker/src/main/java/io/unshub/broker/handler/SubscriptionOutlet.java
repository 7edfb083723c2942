package io.unshub.broker.handler;

import io.unshub.core.message.UnsMessage;

/**
 * Delivers messages to one subscription of one client, bypassing the subscription tree: only this subscriber
 * receives them, whatever else matches their topics. Safe to call from any thread.
 */
public interface SubscriptionOutlet {

    /** The client the subscription belongs to. */
    String clientId();

    /** The granted maximum QoS of the subscription. */
    int grantedQos();

    /**
     * Hands {@code message} to the subscriber's session at the lower of its QoS and the granted QoS, never
     * retained; never blocks. Beyond the session's queue limits it is dropped and counted like any delivery.
     *
     * @return false (and nothing is delivered) once the subscription is gone: unsubscribed, replaced by a new
     *         SUBSCRIBE to the same filter, the client disconnected or the session ended
     */
    boolean deliver(UnsMessage message);

    /** Messages handed over but not yet acknowledged (queued plus in flight): what a paced producer watches. */
    int backlog();

    /** Whether {@link #deliver} would still deliver. */
    boolean open();
}
