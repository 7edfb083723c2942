package io.unshub.broker.persistence;

import io.unshub.core.message.UnsMessage;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message waiting in a session's queue (not yet sent to the client), as stored. Immutable once
 * built; the arrays are not copied and must not be changed.
 *
 * @param sequence        the session's monotonic sequence number: the queue's order
 * @param message         the message
 * @param qos             the delivery QoS (the lower of the message's and the subscription's)
 * @param retain          the retain flag to deliver with
 * @param subscriptionIds MQTT 5 subscription identifiers to deliver with, or {@code null}
 */
public record QueuedMessage(long sequence, UnsMessage message, int qos, boolean retain, int[] subscriptionIds) {

    public QueuedMessage {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative");
        }
        Objects.requireNonNull(message, "message");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0..2, was " + qos);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueuedMessage other && sequence == other.sequence && qos == other.qos
                && retain == other.retain && message.equals(other.message)
                && Arrays.equals(subscriptionIds, other.subscriptionIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, message, qos, retain, Arrays.hashCode(subscriptionIds));
    }

    @Override
    public String toString() {
        return "QueuedMessage[sequence=" + sequence + ", topic=" + message.topic() + ", qos=" + qos
                + ", retain=" + retain + ", subscriptionIds=" + Arrays.toString(subscriptionIds) + "]";
    }
}
