package io.unshub.broker.persistence;

import io.unshub.core.message.UnsMessage;

import java.util.List;
import java.util.Set;

/**
 * Everything the broker needs to rebuild its state at start-up, after what expired while it was down
 * has been removed. Immutable.
 *
 * @param retained retained messages whose expiry has not passed
 * @param sessions persistent sessions whose expiry has not passed
 * @param wills    pending delayed wills, due or not (publish the due ones at once, schedule the rest)
 * @param stats    what was dropped
 */
public record RecoveredState(List<UnsMessage> retained, List<RecoveredSession> sessions, List<PendingWill> wills,
                             Stats stats) {

    public static final RecoveredState EMPTY = new RecoveredState(List.of(), List.of(), List.of(),
            new Stats(0, 0, 0, 0, 0));

    public RecoveredState {
        retained = List.copyOf(retained);
        sessions = List.copyOf(sessions);
        wills = List.copyOf(wills);
    }

    /**
     * One session to rebuild, disconnected. A session that was connected when the hub stopped counts as
     * disconnected at recovery: its expiry starts then (and is stored so, so a second restart does not
     * restart it).
     *
     * @param session        the session, its subscriptions and its disconnect time
     * @param expiresAtMillis wall-clock time the session expires if nobody connects; {@link Long#MAX_VALUE}
     *                       for never
     * @param queued         queued messages in queue order (sequence)
     * @param inflight       outbound in-flight messages in the order they were sent (sequence): resend them
     *                       in this order on reconnect [MQTT-4.6.0-1]
     * @param awaitingPubRel inbound QoS 2 packet ids awaiting PUBREL
     * @param nextSequence   the next sequence number for this session (above every stored one)
     */
    public record RecoveredSession(SessionRecord session, long expiresAtMillis, List<QueuedMessage> queued,
                                   List<InflightMessage> inflight, Set<Integer> awaitingPubRel, long nextSequence) {
        public RecoveredSession {
            queued = List.copyOf(queued);
            inflight = List.copyOf(inflight);
            awaitingPubRel = Set.copyOf(awaitingPubRel);
        }
    }

    /**
     * Counts of what recovery removed.
     *
     * @param sessionsExpired        sessions whose expiry passed while the hub was down
     * @param messagesOfExpiredSessions queued and in-flight messages removed with those sessions
     * @param queuedExpired          queued messages of surviving sessions whose message expiry passed
     * @param retainedExpired        retained messages whose message expiry passed
     * @param unreadable             records that could not be decoded (logged, skipped, left in place)
     */
    public record Stats(int sessionsExpired, int messagesOfExpiredSessions, int queuedExpired, int retainedExpired,
                        int unreadable) {
    }
}
