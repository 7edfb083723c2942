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
 * @param owner                the authenticated user that created the session, {@code null} for anonymous;
 *                             only this user may resume or take over the session, after a restart too
 * @param ownerKnown           whether the record names its owner; records written before owners were kept do
 *                             not, and the first user allowed to use the client id takes such a session
 */
public record SessionRecord(String clientId, long expirySeconds, long disconnectedAtMillis,
                            List<StoredSubscription> subscriptions, String owner, boolean ownerKnown) {

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
        if (!ownerKnown && owner != null) {
            throw new IllegalArgumentException("an unknown owner has no name");
        }
    }

    /** A session of {@code owner} ({@code null}: anonymous). */
    public SessionRecord(String clientId, long expirySeconds, long disconnectedAtMillis,
                         List<StoredSubscription> subscriptions, String owner) {
        this(clientId, expirySeconds, disconnectedAtMillis, subscriptions, owner, true);
    }

    /** An anonymous session. */
    public SessionRecord(String clientId, long expirySeconds, long disconnectedAtMillis,
                         List<StoredSubscription> subscriptions) {
        this(clientId, expirySeconds, disconnectedAtMillis, subscriptions, null, true);
    }

    public boolean connected() {
        return disconnectedAtMillis == CONNECTED;
    }
}
