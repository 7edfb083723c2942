package io.unshub.broker.session;

import io.unshub.broker.routing.SharedGroup;
import io.unshub.core.message.UnsMessage;

/**
 * One message on its way to one session: queued, in flight (PUBLISH sent, awaiting PUBACK/PUBREC) or
 * released (PUBREL sent, awaiting PUBCOMP). Mutable; owned by the session's home event loop once it
 * has left the inbox.
 */
public final class Delivery {

    enum State { QUEUED, AWAITING_ACK, AWAITING_PUBCOMP }

    final UnsMessage message;
    final int qos;
    final boolean retain;
    final int[] subscriptionIds;
    /** The shared subscription this came through, or {@code null}; shared deliveries may move to another member. */
    final SharedGroup sharedGroup;
    /** Part of the retained snapshot sent on subscribe: waits for buffer space instead of being dropped. */
    final boolean replay;
    int packetId;
    State state = State.QUEUED;
    /** The session's store sequence of a message kept in the broker store, or -1 when it is not stored. */
    long sequence = -1;
    /** A QoS 2 message whose store entry moved from the queue to the in-flight records when it was sent. */
    boolean inflightStored;
    /** Its in-flight record is being written; the PUBLISH goes out when that is durable. */
    boolean awaitingRecord;

    public Delivery(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, SharedGroup sharedGroup) {
        this(message, qos, retain, subscriptionIds, sharedGroup, false);
    }

    Delivery(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, SharedGroup sharedGroup,
             boolean replay) {
        this.message = message;
        this.qos = qos;
        this.retain = retain;
        this.subscriptionIds = subscriptionIds;
        this.sharedGroup = sharedGroup;
        this.replay = replay;
    }

    public UnsMessage message() {
        return message;
    }

    public int qos() {
        return qos;
    }

    public boolean retain() {
        return retain;
    }

    public int[] subscriptionIds() {
        return subscriptionIds;
    }

    boolean isExpired() {
        return message.properties().expires() && message.isExpired(System.nanoTime());
    }
}
