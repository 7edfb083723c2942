package io.unshub.hub.replay;

import io.unshub.broker.handler.SubscriptionOutlet;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.UnsBus;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.historian.replay.ReplayEngine;
import io.unshub.historian.replay.ReplayLimitException;
import io.unshub.historian.replay.ReplayRequest;
import io.unshub.historian.replay.ReplayRun;
import io.unshub.historian.replay.ReplaySink;
import io.unshub.historian.replay.ReplayedMessage;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * An MQTT replay session made with {@code POST /api/v1/replays}: it waits until a client subscribes under
 * {@code $replay/<id>/}, then publishes the replayed messages on {@code $replay/<id>/<original topic>} through the
 * bus (so the ACL and every subscriber of those topics see them). The engine waits while any of the session's
 * subscribers has {@link OutletSink#WINDOW} messages or more outstanding; when all of them have left, the session
 * ends as cancelled.
 *
 * <p>Threading: created and cancelled on REST worker threads, started on a broker event loop (the first
 * subscription), emitting on the run's worker; state lives in volatile fields and a copy-on-write list, and the
 * start is guarded by the object's lock.
 */
final class ReplaySession implements ReplaySink {

    private final String id;
    private final ReplayRequest request;
    private final long createdAtMillis = System.currentTimeMillis();
    private final UnsBus bus;
    private final ReplayEngine engine;
    private final String topicPrefix;
    private final List<SubscriptionOutlet> subscribers = new CopyOnWriteArrayList<>();
    private final LongAdder refused = new LongAdder();
    private volatile ReplayRun run;
    private volatile String state = "waiting";
    private volatile String detail = "waiting for a subscription under $replay/%s/";

    ReplaySession(String id, ReplayRequest request, UnsBus bus, ReplayEngine engine) {
        this.id = id;
        this.request = request;
        this.bus = bus;
        this.engine = engine;
        this.topicPrefix = ReplayedMessage.TOPIC_PREFIX + id + "/";
        this.detail = detail.formatted(id);
    }

    String id() {
        return id;
    }

    ReplayRequest request() {
        return request;
    }

    String topicPrefix() {
        return topicPrefix;
    }

    ReplayRun run() {
        return run;
    }

    boolean finished() {
        return !state.equals("waiting") && !state.equals("running");
    }

    /** A client subscribed under this session's prefix (on its event loop, after its SUBACK): the first one starts it. */
    void subscribed(SubscriptionOutlet outlet) {
        subscribers.add(outlet);
        synchronized (this) {
            if (!state.equals("waiting")) {
                return;
            }
            try {
                state = "running";
                detail = null;
                run = engine.start(request, this);
            } catch (ReplayLimitException e) {
                state = "failed";
                detail = e.getMessage();
            }
        }
    }

    /** Stops the session: a waiting one at once, a running one before its next message. */
    void cancel() {
        synchronized (this) {
            if (state.equals("waiting")) {
                state = "cancelled";
                detail = "cancelled before anyone subscribed";
                return;
            }
        }
        ReplayRun current = run;
        if (current != null) {
            current.cancel();
        }
    }

    /** Every subscriber has left: stop. */
    void abandon() {
        detail = "its subscribers left";
        cancel();
    }

    /** Nobody subscribed in time. */
    void expire(String why) {
        synchronized (this) {
            if (state.equals("waiting")) {
                state = "expired";
                detail = why;
            }
        }
    }

    /** Whether every subscriber that started or joined the session has gone (and it has started). */
    boolean abandoned() {
        return run != null && subscribers.stream().noneMatch(SubscriptionOutlet::open);
    }

    @Override
    public boolean ready() {
        for (SubscriptionOutlet outlet : subscribers) {
            if (outlet.open() && outlet.backlog() >= OutletSink.WINDOW) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean emit(HistoryRecord record) {
        if (abandoned()) {
            detail = "its subscribers left";
            return false;
        }
        PublishOutcome outcome = bus.publish(ReplayedMessage.of(record, topicPrefix));
        if (!outcome.accepted()) {
            refused.increment(); // e.g. an ACL rule for the "replay" component; the others go on
        }
        return true;
    }

    @Override
    public void finished(ReplayRun ended) {
        state = ended.state().name().toLowerCase(Locale.ROOT);
        if (ended.failure() != null) {
            detail = ended.failure();
        }
    }

    ReplayViews.Session view() {
        ReplayRun current = run;
        return new ReplayViews.Session(id, state, request.filter(), request.fromMillis(), request.toMillis(),
                request.speed(), topicPrefix, current == null ? 0 : current.emitted(),
                current == null || current.emitted() == 0 ? null : current.lastSequence(), refused.sum(),
                createdAtMillis, detail);
    }
}
