package io.unshub.historian.replay;

import io.unshub.historian.query.HistoryException;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryReader;
import io.unshub.historian.query.HistoryRecord;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One replay in progress: reads pages of the raw log in sequence order and hands the records to its sink, paced
 * by their original receive-time gaps. It never sleeps: a record that is not due yet, or a sink that is not
 * ready, ends the current step and a timer (or the sink's {@link #wake()}) starts the next one.
 *
 * <p>Threading: the page, the cursor and the pacing anchor are owned by whichever worker runs the current step;
 * a work-in-progress counter lets only one step run at a time, so they need no lock. {@link #cancel()},
 * {@link #wake()} and the progress getters are safe from any thread.
 */
public final class ReplayRun {

    public enum State { RUNNING, COMPLETED, CANCELLED, FAILED }

    /** How soon a sink that cannot call {@link #wake()} is asked again whether it is ready. */
    static final long SINK_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ReplayRequest request;
    private final ReplaySink sink;
    private final HistoryReader reader;
    private final Executor worker;
    private final ScheduledExecutorService timers;
    private final int pageSize;
    private final Pacing pacing;
    private final Runnable onEnd;
    private final LongAdder replayedTotal;
    private final AtomicInteger wip = new AtomicInteger();
    private final Runnable drain = this::drain;
    private final long startedAtMillis = System.currentTimeMillis();

    private volatile State state = State.RUNNING;
    private volatile boolean cancelRequested;
    private volatile long emitted;
    private volatile long lastSequence;
    private volatile String failure;

    // Owned by the running step.
    private final ArrayDeque<HistoryRecord> page = new ArrayDeque<>();
    private boolean exhausted;
    private long cursor;
    private long readFrom;
    private boolean anchored;
    private long anchorNanos;
    private long anchorMillis;
    private boolean waitedForSink;
    private ScheduledFuture<?> timer;

    ReplayRun(ReplayRequest request, ReplaySink sink, HistoryReader reader, Executor worker,
              ScheduledExecutorService timers, int pageSize, LongAdder replayedTotal, Runnable onEnd) {
        this.request = request;
        this.sink = sink;
        this.reader = reader;
        this.worker = worker;
        this.timers = timers;
        this.pageSize = pageSize;
        this.pacing = new Pacing(request.speed());
        this.onEnd = onEnd;
        this.replayedTotal = replayedTotal;
        this.cursor = request.afterSequence();
        this.readFrom = request.fromMillis();
        this.lastSequence = request.afterSequence();
    }

    public ReplayRequest request() {
        return request;
    }

    public State state() {
        return state;
    }

    /** Records handed to the sink so far. */
    public long emitted() {
        return emitted;
    }

    /** The sequence number of the last record handed to the sink (the request's resume point before the first). */
    public long lastSequence() {
        return lastSequence;
    }

    /** Why the replay failed, or {@code null}. */
    public String failure() {
        return failure;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    public boolean finished() {
        return state != State.RUNNING;
    }

    /** Stops the replay soon (before its next record); the sink's {@link ReplaySink#finished} says when. */
    public void cancel() {
        cancelRequested = true;
        wake();
    }

    /** Runs a step now: a sink calls it when it can take records again. Any thread; cheap when nothing waits. */
    public void wake() {
        if (wip.getAndIncrement() == 0) {
            try {
                worker.execute(drain);
            } catch (RejectedExecutionException e) {
                wip.set(0);
                end(State.FAILED, "the replay workers are shut down");
            }
        }
    }

    private void drain() {
        int missed = 1;
        do {
            if (state == State.RUNNING) {
                try {
                    step();
                } catch (HistoryException e) {
                    end(State.FAILED, "the history store could not be read: " + e.getMessage());
                } catch (RuntimeException e) {
                    end(State.FAILED, e.toString());
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Emits what is due and the sink can take; leaves a timer behind when it has to wait. */
    private void step() throws HistoryException {
        cancelTimer();
        while (true) {
            if (cancelRequested) {
                end(State.CANCELLED, null);
                return;
            }
            HistoryRecord next = page.peek();
            if (next == null) {
                sink.flush();
                if (exhausted || !readPage()) {
                    end(State.COMPLETED, null);
                    return;
                }
                continue;
            }
            long now = System.nanoTime();
            if (!anchored) {
                anchored = true;
                anchorNanos = now;
                anchorMillis = next.receivedAtMillis();
            }
            long due = anchorNanos + pacing.offsetNanos(anchorMillis, next.receivedAtMillis());
            if (due - now > 0) {
                sink.flush();
                schedule(due - now);
                return;
            }
            if (!sink.ready()) {
                waitedForSink = true;
                sink.flush();
                schedule(SINK_RETRY_NANOS);
                return;
            }
            if (waitedForSink && pacing.paced()) {
                // Keep the original gaps after a stalled receiver instead of bursting to catch up.
                anchorNanos += now - due;
            }
            waitedForSink = false;
            page.poll();
            if (!sink.emit(next)) {
                end(State.CANCELLED, null);
                return;
            }
            lastSequence = next.sequence();
            emitted++;
            replayedTotal.increment();
        }
    }

    /** Reads the next page after the cursor; false when there is nothing more. */
    private boolean readPage() throws HistoryException {
        List<HistoryRecord> records = reader.read(new HistoryRange(request.filter(), readFrom,
                request.toMillis(), cursor, pageSize));
        if (records.size() < pageSize) {
            exhausted = true;
        }
        for (HistoryRecord record : records) {
            if (record.sequence() > cursor) { // a store that repeats the cursor must not make us loop or duplicate
                page.add(record);
                cursor = record.sequence();
                // Receive times never go backwards along the sequence, so the next page starts at this one's
                // last time: the store then seeks there instead of scanning the whole range again per page.
                readFrom = Math.max(readFrom, record.receivedAtMillis());
            }
        }
        return !page.isEmpty();
    }

    private void schedule(long delayNanos) {
        timer = timers.schedule(this::wake, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void end(State end, String reason) {
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            failure = reason;
            state = end;
        }
        cancelTimer();
        page.clear();
        onEnd.run(); // the slot is free before the sink hears of the end, so a new replay can start from there
        sink.finished(this);
    }
}
