package io.unshub.historian.replay;

import io.unshub.historian.query.HistoryRecord;

/**
 * Where a replay goes: an SSE stream, a subscriber's outlet, the bus. The engine calls it from one thread at a
 * time (the replay's current worker), in sequence order.
 */
public interface ReplaySink {

    /**
     * Whether the receiver can take another record now. When it cannot, the engine waits until the sink calls
     * {@link ReplayRun#wake()} or, for sinks that cannot tell, re-asks after a short interval. This is the bound
     * on records in flight.
     */
    boolean ready();

    /**
     * Hands over one record.
     *
     * @return false when the receiver is gone: the replay ends as cancelled
     */
    boolean emit(HistoryRecord record);

    /**
     * The run stops handing over records for now (it waits for a due time, for the sink, or for the next page
     * of the store): a sink that batches records sends what it holds. Called on the replay's current worker.
     */
    default void flush() {
    }

    /** The replay has ended (see {@link ReplayRun#state()}); called once, after the last {@link #emit}. */
    void finished(ReplayRun run);
}
