package io.unshub.broker.persistence;

import io.unshub.core.message.UnsMessage;

import java.util.Arrays;
import java.util.Objects;

/**
 * An outbound QoS 1/2 message sent to the client and not yet fully acknowledged, as stored. Immutable
 * once built; the arrays are not copied and must not be changed.
 *
 * <p>In {@link State#PUBREC_RECEIVED} only the PUBREL is left to resend [MQTT-4.3.3-4], so the
 * message itself is not kept: {@link #message()} is {@code null} and {@link #subscriptionIds()} too.
 *
 * @param packetId        the packet identifier, 1..65535
 * @param sequence        the session's sequence number when it was sent: resend order after a restart
 * @param state           {@link State#SENT} (awaiting PUBACK/PUBREC) or {@link State#PUBREC_RECEIVED}
 *                        (PUBREL sent, awaiting PUBCOMP)
 * @param message         the message; {@code null} in state PUBREC_RECEIVED
 * @param qos             the delivery QoS, 1 or 2
 * @param retain          the retain flag it was sent with
 * @param subscriptionIds MQTT 5 subscription identifiers it was sent with, or {@code null}
 */
public record InflightMessage(int packetId, long sequence, State state, UnsMessage message, int qos, boolean retain,
                              int[] subscriptionIds) {

    public enum State { SENT, PUBREC_RECEIVED }

    public InflightMessage {
        if (packetId < 1 || packetId > 65_535) {
            throw new IllegalArgumentException("packetId must be 1..65535, was " + packetId);
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative");
        }
        Objects.requireNonNull(state, "state");
        if (state == State.SENT) {
            Objects.requireNonNull(message, "message");
            if (qos < 1 || qos > 2) {
                throw new IllegalArgumentException("qos must be 1 or 2, was " + qos);
            }
        } else if (message != null || qos != 2) {
            throw new IllegalArgumentException("a PUBREC_RECEIVED entry is QoS 2 and has no message");
        }
    }

    /** An entry for a PUBLISH just sent. */
    public static InflightMessage sent(int packetId, long sequence, UnsMessage message, int qos, boolean retain,
                                       int[] subscriptionIds) {
        return new InflightMessage(packetId, sequence, State.SENT, message, qos, retain, subscriptionIds);
    }

    /** The entry after the client's PUBREC: only the PUBREL is left to resend. */
    public static InflightMessage pubRecReceived(int packetId, long sequence) {
        return new InflightMessage(packetId, sequence, State.PUBREC_RECEIVED, null, 2, false, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InflightMessage other && packetId == other.packetId && sequence == other.sequence
                && state == other.state && qos == other.qos && retain == other.retain
                && Objects.equals(message, other.message) && Arrays.equals(subscriptionIds, other.subscriptionIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(packetId, sequence, state, message, qos, retain, Arrays.hashCode(subscriptionIds));
    }

    @Override
    public String toString() {
        return "InflightMessage[packetId=" + packetId + ", sequence=" + sequence + ", state=" + state
                + (message == null ? "" : ", topic=" + message.topic()) + ", qos=" + qos + "]";
    }
}
