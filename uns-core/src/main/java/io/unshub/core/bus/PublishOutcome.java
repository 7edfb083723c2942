package io.unshub.core.bus;

/**
 * What the bus did with a published message. {@link UnsBus#publish} reports runtime conditions here
 * instead of throwing, so a network handler can turn a rejection straight into a reason code.
 */
public sealed interface PublishOutcome {

    /** Accepted; delivered to (or queued for) {@code subscribers} subscribers. */
    record Routed(int subscribers) implements PublishOutcome {
        private static final Routed[] SMALL = new Routed[64];

        static {
            for (int i = 0; i < SMALL.length; i++) {
                SMALL[i] = new Routed(i);
            }
        }

        /** Shared instances for the common small counts, so the hot path does not allocate. */
        public static Routed of(int subscribers) {
            return subscribers < SMALL.length ? SMALL[subscribers] : new Routed(subscribers);
        }
    }

    /**
     * Refused; nobody received it, nothing was retained.
     *
     * <p>MQTT 5 QoS 1/2 publishers learn the reason code from their PUBACK/PUBREC. Where the protocol has
     * no negative acknowledgement (QoS 0 in MQTT 5, every QoS in MQTT 3.1/3.1.1) the publisher is either
     * left connected and the message dropped, or disconnected, as the rejecting rule asks.
     *
     * @param reasonCode          the MQTT 5 reason code that fits (e.g. 0x90 topic name invalid, 0x87 not authorized)
     * @param reason              a human-readable reason naming the rule
     * @param disconnectMqtt5Qos0 disconnect an MQTT 5 client whose rejected message was QoS 0 (else drop it)
     * @param disconnectMqtt3     disconnect an MQTT 3.1/3.1.1 client (else acknowledge normally and drop)
     */
    record Rejected(int reasonCode, String reason, boolean disconnectMqtt5Qos0, boolean disconnectMqtt3)
            implements PublishOutcome {

        /** A rejection for a protocol-level problem: MQTT 5 QoS 0 publishers are disconnected, MQTT 3 ones dropped. */
        public Rejected(int reasonCode, String reason) {
            this(reasonCode, reason, true, false);
        }
    }

    default boolean accepted() {
        return this instanceof Routed;
    }
}
