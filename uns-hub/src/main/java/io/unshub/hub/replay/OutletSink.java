package io.unshub.hub.replay;

import io.unshub.broker.handler.SubscriptionOutlet;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.historian.replay.ReplayRun;
import io.unshub.historian.replay.ReplaySink;
import io.unshub.historian.replay.ReplayedMessage;

/**
 * Replays into one MQTT 5 subscription to {@code $replay/<filter>}: each record goes to that subscriber only, on
 * {@code $replay/<original topic>}, and the engine waits while the subscriber has {@link #WINDOW} or more messages
 * unacknowledged or queued. Stateless apart from the outlet; called by the run's worker.
 */
final class OutletSink implements ReplaySink {

    /** Messages a subscriber may have queued or in flight before the replay waits for it. */
    static final int WINDOW = 256;

    private final SubscriptionOutlet outlet;

    OutletSink(SubscriptionOutlet outlet) {
        this.outlet = outlet;
    }

    @Override
    public boolean ready() {
        // A closed outlet counts as ready so that the next emit notices it and ends the replay.
        return !outlet.open() || outlet.backlog() < WINDOW;
    }

    @Override
    public boolean emit(HistoryRecord record) {
        return outlet.deliver(ReplayedMessage.of(record, ReplayedMessage.TOPIC_PREFIX));
    }

    @Override
    public void finished(ReplayRun run) {
        // Nothing to close: the subscription stays until the client unsubscribes.
    }
}
