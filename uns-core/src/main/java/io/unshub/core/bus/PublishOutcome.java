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
     * @param reasonCode the MQTT 5 reason code that fits (e.g. 0x90 topic name invalid, 0x87 not authorized)
     * @param reason     a human-readable reason naming the rule
     */
    record Rejected(int reasonCode, String reason) implements PublishOutcome {
    }

    default boolean accepted() {
        return this instanceof Routed;
    }
}
