package io.unshub.broker.persistence;

import io.unshub.core.message.UnsMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes that become durable together: {@link BrokerStore#commit} applies all of a batch or none of it,
 * and batches are applied in the order they were committed.
 *
 * <p>Threading: a batch belongs to the thread that builds it (usually an event loop) until it is
 * committed; then it belongs to the store and must not be touched again. Messages are encoded while
 * the batch is built, on the building thread, so the store's writer thread only writes bytes. A batch
 * that adds one message for many sessions (a fan-out) encodes it once.
 *
 * <p>Sequences: each session numbers its queued and in-flight messages with one monotonic counter
 * (starting where {@link RecoveredState.RecoveredSession#nextSequence()} says after a restart); the
 * queue is kept in that order.
 */
public final class StoreBatch {

    enum Kind { PUT, DELETE, DELETE_RANGE }

    /** One write. For {@link Kind#DELETE_RANGE} the value is the end key (exclusive). */
    record Op(Family family, Kind kind, byte[] key, byte[] value) {
    }

    private final List<Op> ops = new ArrayList<>(4);
    private long bytes;
    private boolean committed;
    private UnsMessage lastMessage;
    private byte[] lastEncoded;

    // ---------------------------------------------------------------- retained

    /** Stores a retained message, or clears the topic when the payload is empty, as {@code RetainedStore.apply} does. */
    public StoreBatch applyRetained(UnsMessage message) {
        return message.payload().length == 0 ? removeRetained(message.topic()) : putRetained(message);
    }

    public StoreBatch putRetained(UnsMessage message) {
        return add(Family.RETAINED, Kind.PUT, Keys.topic(message.topic()), encode(message));
    }

    public StoreBatch removeRetained(String topic) {
        return add(Family.RETAINED, Kind.DELETE, Keys.topic(topic), null);
    }

    // ---------------------------------------------------------------- sessions

    /** Creates or replaces a session: its expiry state and its whole set of subscriptions. */
    public StoreBatch putSession(SessionRecord session) {
        byte[] client = Keys.client(session.clientId());
        add(Family.SUBSCRIPTIONS, Kind.DELETE_RANGE, client, Keys.prefixEnd(client));
        add(Family.SESSIONS, Kind.PUT, client,
                RecordCodec.session(session.expirySeconds(), session.disconnectedAtMillis(), session.owner(),
                        session.ownerKnown()));
        for (StoredSubscription subscription : session.subscriptions()) {
            putSubscription(session.clientId(), subscription);
        }
        return this;
    }

    /**
     * Updates a session's expiry interval and connection state (a connect, a disconnect, a DISCONNECT
     * with a new expiry) and leaves its subscriptions and messages alone.
     *
     * @param disconnectedAtMillis wall-clock disconnect time, or {@link SessionRecord#CONNECTED}
     * @param owner                the session's owner ({@code null}: anonymous), written again with the state
     */
    public StoreBatch putSessionState(String clientId, long expirySeconds, long disconnectedAtMillis, String owner) {
        return putSessionState(clientId, expirySeconds, disconnectedAtMillis, owner, true);
    }

    /** As above; {@code ownerKnown} false keeps a session recovered without a recorded owner that way. */
    public StoreBatch putSessionState(String clientId, long expirySeconds, long disconnectedAtMillis, String owner,
                                      boolean ownerKnown) {
        // Validates like a full record would.
        new SessionRecord(clientId, expirySeconds, disconnectedAtMillis, List.of(), owner, ownerKnown);
        return add(Family.SESSIONS, Kind.PUT, Keys.client(clientId),
                RecordCodec.session(expirySeconds, disconnectedAtMillis, owner, ownerKnown));
    }

    /** Adds or replaces (same filter) one subscription of a stored session. */
    public StoreBatch putSubscription(String clientId, StoredSubscription subscription) {
        return add(Family.SUBSCRIPTIONS, Kind.PUT, Keys.subscription(clientId, subscription.filter()),
                RecordCodec.subscription(subscription));
    }

    public StoreBatch removeSubscription(String clientId, String filter) {
        return add(Family.SUBSCRIPTIONS, Kind.DELETE, Keys.subscription(clientId, filter), null);
    }

    /**
     * Removes a session with everything stored for it: subscriptions, queued and in-flight messages,
     * inbound QoS 2 state. Its pending will is separate ({@link #removeWill}): a session that ends
     * publishes its will, and the will outlives the session until then.
     */
    public StoreBatch removeSession(String clientId) {
        byte[] client = Keys.client(clientId);
        byte[] end = Keys.prefixEnd(client);
        add(Family.SESSIONS, Kind.DELETE, client, null);
        for (Family family : Family.PER_SESSION) {
            if (family != Family.SESSIONS) {
                add(family, Kind.DELETE_RANGE, client, end);
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- queued messages

    public StoreBatch appendQueued(String clientId, QueuedMessage queued) {
        return add(Family.QUEUE, Kind.PUT, Keys.queued(clientId, queued.sequence()),
                RecordCodec.queued(encode(queued.message()), queued.qos(), queued.retain(), queued.subscriptionIds()));
    }

    public StoreBatch appendQueued(String clientId, long sequence, UnsMessage message, int qos, boolean retain,
                                   int[] subscriptionIds) {
        return appendQueued(clientId, new QueuedMessage(sequence, message, qos, retain, subscriptionIds));
    }

    public StoreBatch removeQueued(String clientId, long sequence) {
        return add(Family.QUEUE, Kind.DELETE, Keys.queued(clientId, sequence), null);
    }

    // ---------------------------------------------------------------- outbound in flight

    /** Records a PUBLISH sent and awaiting PUBACK/PUBREC, or (state PUBREC_RECEIVED) a PUBREL awaiting PUBCOMP. */
    public StoreBatch putInflight(String clientId, InflightMessage inflight) {
        byte[] value = inflight.state() == InflightMessage.State.SENT
                ? RecordCodec.inflightSent(inflight.sequence(), encode(inflight.message()), inflight.qos(),
                        inflight.retain(), inflight.subscriptionIds())
                : RecordCodec.inflightPubRecReceived(inflight.sequence());
        return add(Family.INFLIGHT, Kind.PUT, Keys.packet(clientId, inflight.packetId()), value);
    }

    /** The client's PUBREC arrived: the message is no longer needed, only the PUBREL is left to resend. */
    public StoreBatch pubRecReceived(String clientId, int packetId, long sequence) {
        return putInflight(clientId, InflightMessage.pubRecReceived(packetId, sequence));
    }

    /** PUBACK or PUBCOMP: the exchange is over. */
    public StoreBatch removeInflight(String clientId, int packetId) {
        return add(Family.INFLIGHT, Kind.DELETE, Keys.packet(clientId, checkPacketId(packetId)), null);
    }

    // ---------------------------------------------------------------- inbound QoS 2

    /** An inbound QoS 2 PUBLISH was accepted (PUBREC about to be sent): a resend must not be delivered again. */
    public StoreBatch addAwaitingPubRel(String clientId, int packetId) {
        return add(Family.PUBREL, Kind.PUT, Keys.packet(clientId, checkPacketId(packetId)), new byte[0]);
    }

    public StoreBatch removeAwaitingPubRel(String clientId, int packetId) {
        return add(Family.PUBREL, Kind.DELETE, Keys.packet(clientId, checkPacketId(packetId)), null);
    }

    // ---------------------------------------------------------------- wills

    public StoreBatch putWill(PendingWill will) {
        return add(Family.WILLS, Kind.PUT, Keys.client(will.clientId()),
                RecordCodec.will(encode(will.message()), will.dueAtMillis()));
    }

    public StoreBatch removeWill(String clientId) {
        return add(Family.WILLS, Kind.DELETE, Keys.client(clientId), null);
    }

    // ---------------------------------------------------------------- for the store

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Number of writes in the batch. */
    public int size() {
        return ops.size();
    }

    /** Bytes of keys and values: what the batch adds to the WAL, roughly. */
    public long bytes() {
        return bytes;
    }

    List<Op> ops() {
        return ops;
    }

    /** Hands the batch to a store; returns false if it had been handed over before. */
    boolean markCommitted() {
        if (committed) {
            return false;
        }
        committed = true;
        return true;
    }

    private StoreBatch add(Family family, Kind kind, byte[] key, byte[] value) {
        if (committed) {
            throw new IllegalStateException("batch already committed");
        }
        ops.add(new Op(family, kind, key, value));
        bytes += key.length + (value == null ? 0 : value.length);
        return this;
    }

    private byte[] encode(UnsMessage message) {
        if (message != lastMessage) {
            lastEncoded = MessageCodec.encode(message);
            lastMessage = message;
        }
        return lastEncoded;
    }

    private static int checkPacketId(int packetId) {
        if (packetId < 1 || packetId > 65_535) {
            throw new IllegalArgumentException("packetId must be 1..65535, was " + packetId);
        }
        return packetId;
    }
}
