package io.unshub.broker.persistence;

import java.util.List;
import java.util.Objects;

/**
 * A persistent session as stored: what is needed to rebuild it and its expiry after a restart. Its
 * queued and in-flight messages are stored separately (see {@link StoreBatch}). Immutable.
 *
 * @param clientId             the client identifier
 * @param expirySeconds        session expiry interval; {@code BrokerConfig.NEVER_EXPIRE} never expires
 * @param disconnectedAtMillis wall-clock time the last connection ended, or {@link #CONNECTED}
 * @param subscriptions        the session's subscriptions (empty when none)
 */
public record SessionRecord(String clientId, long expirySeconds, long disconnectedAtMillis,
                            List<StoredSubscription> subscriptions) {

    /** {@link #disconnectedAtMillis} of a session with a connection attached. */
    public static final long CONNECTED = -1;

    public SessionRecord {
        Objects.requireNonNull(clientId, "clientId");
        if (expirySeconds < 0) {
            throw new IllegalArgumentException("expirySeconds must not be negative");
        }
        if (disconnectedAtMillis < 0 && disconnectedAtMillis != CONNECTED) {
            throw new IllegalArgumentException("disconnectedAtMillis must be a wall-clock time or CONNECTED");
        }
        subscriptions = subscriptions == null ? List.of() : List.copyOf(subscriptions);
    }

    public boolean connected() {
        return disconnectedAtMillis == CONNECTED;
    }
}
