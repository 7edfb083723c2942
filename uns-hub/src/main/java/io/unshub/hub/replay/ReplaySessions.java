package io.unshub.hub.replay;

import io.unshub.core.bus.UnsBus;
import io.unshub.historian.replay.ReplayEngine;
import io.unshub.historian.replay.ReplayLimitException;
import io.unshub.historian.replay.ReplayRequest;
import io.unshub.historian.replay.ReplayedMessage;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT replay sessions made over REST, by id. Unfinished sessions are bounded by {@link #MAX_OPEN}; finished
 * ones stay visible (for {@code GET /replays/{id}}) until more than {@link #MAX_KEPT} sessions exist, then the
 * oldest finished are forgotten.
 *
 * <p>Thread-safe: a concurrent map; each session guards its own state.
 */
final class ReplaySessions {

    static final int MAX_OPEN = 32;
    static final int MAX_KEPT = 256;
    /** How long a session waits for its first subscriber. */
    static final Duration SUBSCRIBER_WAIT = Duration.ofSeconds(60);

    private static final SecureRandom IDS = new SecureRandom();

    private final Map<String, ReplaySession> sessions = new ConcurrentHashMap<>();
    private final UnsBus bus;
    private final ReplayEngine engine;
    private final ScheduledExecutorService timers;

    ReplaySessions(UnsBus bus, ReplayEngine engine, ScheduledExecutorService timers) {
        this.bus = bus;
        this.engine = engine;
        this.timers = timers;
    }

    /**
     * A new session, waiting for its first subscriber.
     *
     * @throws ReplayLimitException when {@link #MAX_OPEN} sessions are unfinished
     */
    synchronized ReplaySession create(ReplayRequest request) {
        long open = sessions.values().stream().filter(s -> !s.finished()).count();
        if (open >= MAX_OPEN) {
            throw new ReplayLimitException("already " + MAX_OPEN + " replay sessions open; cancel one or wait");
        }
        forgetOldFinished();
        String id;
        do {
            byte[] random = new byte[6];
            IDS.nextBytes(random);
            id = "r" + HexFormat.of().formatHex(random); // a plain topic level: no wildcard, no '/', no '$'
        } while (sessions.containsKey(id));
        ReplaySession session = new ReplaySession(id, request, bus, engine);
        sessions.put(id, session);
        timers.schedule(() -> session.expire("nobody subscribed under " + session.topicPrefix() + " within "
                + SUBSCRIBER_WAIT.toSeconds() + " s"), SUBSCRIBER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return session;
    }

    private void forgetOldFinished() {
        if (sessions.size() < MAX_KEPT) {
            return;
        }
        sessions.values().stream().filter(ReplaySession::finished)
                .sorted(java.util.Comparator.comparingLong(s -> s.view().created_at()))
                .limit(sessions.size() - MAX_KEPT + 1L)
                .forEach(s -> sessions.remove(s.id()));
    }

    ReplaySession get(String id) {
        return sessions.get(id);
    }

    Collection<ReplaySession> all() {
        return sessions.values();
    }

    /** The session whose topics {@code filter} names by id ({@code $replay/<id>/...}), or {@code null}. */
    ReplaySession named(String filter) {
        if (!filter.startsWith(ReplayedMessage.TOPIC_PREFIX)) {
            return null;
        }
        int start = ReplayedMessage.TOPIC_PREFIX.length();
        int end = filter.indexOf('/', start);
        return sessions.get(end < 0 ? filter.substring(start) : filter.substring(start, end));
    }

    void cancelAll() {
        sessions.values().forEach(ReplaySession::cancel);
    }
}
