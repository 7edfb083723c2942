package io.unshub.historian.replay;

import io.unshub.historian.query.HistoryReader;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one replay engine behind every door (Server-Sent Events, MQTT replay sessions, {@code $replay/}
 * subscriptions): starts {@link ReplayRun}s over a {@link HistoryReader}, with its steps on {@code worker}
 * (virtual threads: a step may block reading the store) and its pacing timers on {@code timers}, and bounds how
 * many run at once.
 *
 * <p>Thread-safe: the shared state is the count of active runs and the counters for metrics.
 */
public final class ReplayEngine {

    /** Records read from the store per page; also the most a run holds in memory besides its sink. */
    public static final int DEFAULT_PAGE_SIZE = 1000;

    private final HistoryReader reader;
    private final Executor worker;
    private final ScheduledExecutorService timers;
    private final int pageSize;
    private final int fastPageSize;
    private final int maxActive;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder started = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder replayed = new LongAdder();

    /** Records read per page at speed 0, where fewer store round trips matter more than memory. */
    public static final int DEFAULT_FAST_PAGE_SIZE = 10_000;

    public ReplayEngine(HistoryReader reader, Executor worker, ScheduledExecutorService timers, int pageSize, int maxActive) {
        this(reader, worker, timers, pageSize, pageSize, maxActive);
    }

    /** As above, with {@code fastPageSize} records per page for replays at speed 0. */
    public ReplayEngine(HistoryReader reader, Executor worker, ScheduledExecutorService timers, int pageSize,
                        int fastPageSize, int maxActive) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.timers = Objects.requireNonNull(timers, "timers");
        if (pageSize < 1 || fastPageSize < 1 || maxActive < 1) {
            throw new IllegalArgumentException("pageSize, fastPageSize and maxActive must be positive");
        }
        this.pageSize = pageSize;
        this.fastPageSize = fastPageSize;
        this.maxActive = maxActive;
    }

    /**
     * Starts replaying {@code request} into {@code sink}.
     *
     * @throws ReplayLimitException when {@code maxActive} replays are running already
     */
    public ReplayRun start(ReplayRequest request, ReplaySink sink) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        if (active.incrementAndGet() > maxActive) {
            active.decrementAndGet();
            refused.increment();
            throw new ReplayLimitException("already " + maxActive + " replays running; try again when one has ended");
        }
        started.increment();
        ReplayRun run = new ReplayRun(request, sink, reader, worker, timers,
                request.speed() == 0 ? fastPageSize : pageSize, replayed, active::decrementAndGet);
        run.wake();
        return run;
    }

    /** Replays running now. */
    public int active() {
        return active.get();
    }

    public int maxActive() {
        return maxActive;
    }

    /** Replays started since the engine was made. */
    public long started() {
        return started.sum();
    }

    /** Replays refused because {@link #maxActive()} were running. */
    public long refused() {
        return refused.sum();
    }

    /** Records handed to sinks by every replay so far. */
    public long replayed() {
        return replayed.sum();
    }
}
