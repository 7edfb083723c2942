package io.unshub.historian.ingest;

import io.questdb.cairo.CairoError;
import io.unshub.core.bus.BusSubscription;
import io.unshub.core.bus.OverflowPolicy;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.store.RowWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Moves messages from the bus into the store: a bus subscription with a bounded queue feeds one ingest
 * thread, which selects, batches and commits by size ({@code batchSize}) and time ({@code flushInterval}).
 *
 * <p>Overflow policy: the broker never waits for the historian. When the store is slower than the bus (or
 * failing), the bus queue fills and further messages are dropped, each one counted ({@link
 * IngestStatus#dropped()}), and the health check reports it. A failed commit is rolled back and retried
 * with back-off, holding the batch (so memory stays bounded by the queue plus one batch) until the store
 * recovers.
 *
 * <p>Every field below except the volatile status fields is owned by the "historian-ingest" thread.
 */
public final class HistorianIngest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistorianIngest.class);
    private static final int ATTEMPTS_AT_STOP = 3;

    private final UnsBus bus;
    private final RowWriter writer;
    private final TopicSelection selection;
    private final IngestSettings settings;
    private final ValueListener listener;
    private final ScheduledExecutorService thread;
    private final List<BusSubscription> subscriptions = new ArrayList<>();
    private final List<UnsMessage> batch;
    /**
     * Each batched message's profile, decided once when it arrives: every retry and {@link #announce} use the same
     * group, so a namespace reload between two attempts can neither store a message in two groups nor lose it (the
     * writer remembers per table which ones already hold the batch). Never longer than a batch: flush empties it.
     */
    private final TopicProfile[] profiles;
    private final DecodedValue decoded = new DecodedValue();
    private ScheduledFuture<?> ticker;
    private long lastSeq;
    private long lastTsMillis;
    private long droppedSeen;
    private volatile boolean stopping;

    private volatile long stored;
    private volatile long values;
    private volatile long lostOnStop;
    private volatile long commits;
    private volatile long failures;
    private volatile boolean failing;
    private volatile String lastError;
    private volatile long lastDropAtMillis;
    private volatile long committedSeq;
    private volatile int pending;

    /**
     * @param lastSequence  the newest sequence number in the log (-1 when empty); numbering continues after it
     * @param lastTsMillis  the newest raw-log timestamp, so timestamps never go backwards across a restart
     */
    public HistorianIngest(UnsBus bus, RowWriter writer, TopicSelection selection, IngestSettings settings,
                           ValueListener listener, long lastSequence, long lastTsMillis) {
        this.bus = bus;
        this.writer = writer;
        this.selection = selection;
        this.settings = settings;
        this.listener = listener;
        this.lastSeq = lastSequence;
        this.committedSeq = lastSequence;
        this.lastTsMillis = lastTsMillis;
        this.batch = new ArrayList<>(settings.batchSize());
        this.profiles = new TopicProfile[settings.batchSize()];
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "historian-ingest");
            t.setDaemon(true);
            return t;
        });
    }

    /** Subscribes to the bus ('#' plus the '$' filters the include list names) and starts the flush timer. */
    public void start() {
        long interval = settings.flushInterval().toMillis();
        ticker = thread.scheduleAtFixedRate(this::tick, interval, interval, TimeUnit.MILLISECONDS);
        List<String> filters = new ArrayList<>();
        filters.add("#");
        filters.addAll(selection.dollarIncludes());
        for (String filter : filters) {
            subscriptions.add(bus.subscribe(new SubscriberSpec("historian", filter, settings.queueCapacity(),
                    OverflowPolicy.DROP_NEWEST, thread), this::onMessage));
        }
    }

    /** Runs {@code task} with the writer on the ingest thread (retention), waiting for it to finish. */
    public void onIngestThread(Consumer<RowWriter> task) {
        CompletableFuture.runAsync(() -> task.accept(writer), thread).join();
    }

    /** The highest sequence number committed (-1 when none); on the ingest thread, no batch is in flight then. */
    public long committedSequence() {
        return committedSeq;
    }

    private void onMessage(UnsMessage message) {
        TopicProfile profile = selection.profile(message.topic());
        if (!profile.stored()) {
            return;
        }
        profiles[batch.size()] = profile;
        batch.add(message);
        pending = batch.size();
        if (batch.size() >= settings.batchSize()) {
            flush();
        }
    }

    private void tick() {
        try {
            flush();
            long dropped = droppedTotal();
            if (dropped != droppedSeen) {
                LOG.warn("historian: {} messages dropped because the ingest queue was full (total {})",
                        dropped - droppedSeen, dropped);
                droppedSeen = dropped;
                lastDropAtMillis = System.currentTimeMillis();
            }
        } catch (Throwable e) {
            // Caught so the timer keeps running: a periodic task that throws is never run again.
            LOG.error("historian: flush failed unexpectedly", e);
        }
    }

    /** Commits the batch, retrying with back-off until the store takes it (or, when stopping, a few times). */
    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        long backoff = 50;
        int attempts = 0;
        while (true) {
            attempts++;
            long seq = lastSeq;
            long ts = lastTsMillis;
            int decodedRows = 0;
            try {
                for (int i = 0; i < batch.size(); i++) {
                    UnsMessage message = batch.get(i);
                    seq++;
                    ts = Math.max(ts, message.receivedAtMillis());
                    TopicProfile profile = profiles[i];
                    writer.appendRaw(profile.group(), seq, ts, message);
                    if (profile.isUns() && decoded.decode(message.payload())) {
                        writer.appendValue(seq, message, profile, decoded);
                        decodedRows++;
                    }
                }
                writer.commit();
            } catch (RuntimeException | CairoError | AssertionError e) {
                // CairoError: QuestDB marks a writer that failed mid-write as distressed; AssertionError: its
                // invariant checks when -ea is on (tests). Both are cured by a fresh writer, like an I/O error.
                failures++;
                failing = true;
                lastError = String.valueOf(e.getMessage());
                discardUncommitted();
                if (stopping && attempts >= ATTEMPTS_AT_STOP) {
                    LOG.error("historian: store still failing at shutdown, {} messages not stored: {}",
                            batch.size(), lastError);
                    lostOnStop += batch.size();
                    writer.abandonBatch();
                    clearBatch();
                    return;
                }
                if (attempts == 1) {
                    LOG.error("historian: commit of {} messages failed, retrying: {}", batch.size(), lastError);
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, settings.retryBackoffMax().toMillis());
                continue;
            }
            if (failing) {
                LOG.info("historian: store recovered after {} failed attempts", attempts - 1);
            }
            failing = false;
            long first = lastSeq + 1;
            lastSeq = seq;
            lastTsMillis = ts;
            committedSeq = seq;
            stored += batch.size();
            values += decodedRows;
            commits++;
            if (listener != ValueListener.NONE) {
                announce(first);
            }
            clearBatch();
            return;
        }
    }

    private void clearBatch() {
        // Drop the references so the profiles of a reloaded namespace do not stay reachable through a stale batch.
        Arrays.fill(profiles, 0, batch.size(), null);
        batch.clear();
        pending = 0;
    }

    private void announce(long firstSeq) {
        for (int i = 0; i < batch.size(); i++) {
            UnsMessage message = batch.get(i);
            TopicProfile profile = profiles[i];
            if (profile.isUns() && decoded.decode(message.payload())) {
                try {
                    listener.committed(firstSeq + i, message, profile, decoded);
                } catch (RuntimeException e) {
                    LOG.warn("historian: value listener failed: {}", e.toString());
                }
            }
        }
    }

    private void discardUncommitted() {
        try {
            writer.rollback();
        } catch (RuntimeException | CairoError | AssertionError e) {
            LOG.debug("historian: rollback failed", e);
        }
        // A writer that failed may be in a broken state; the next attempt opens fresh ones.
        writer.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long droppedTotal() {
        long total = 0;
        for (BusSubscription s : subscriptions) {
            total += s.dropped();
        }
        return total;
    }

    public IngestStatus status() {
        long queued = 0;
        for (BusSubscription s : subscriptions) {
            queued += s.queued();
        }
        return new IngestStatus(stored, values, droppedTotal(), lostOnStop, queued, pending, commits, failures,
                failing, lastError, lastDropAtMillis, committedSeq);
    }

    /**
     * Stops cleanly: waits (up to {@code drainTimeoutMillis}) until the bus queue is empty, unsubscribes,
     * commits the last batch and releases the writers. Nothing the bus had handed over is lost unless the
     * store keeps failing.
     */
    public void stop(long drainTimeoutMillis) {
        stopping = true;
        long deadline = System.currentTimeMillis() + drainTimeoutMillis;
        while (status().queued() > 0 && System.currentTimeMillis() < deadline) {
            sleep(5);
        }
        try {
            CompletableFuture.runAsync(() -> {
                subscriptions.forEach(BusSubscription::close);
                if (ticker != null) {
                    ticker.cancel(false);
                }
                flush();
                writer.close();
            }, thread).get(drainTimeoutMillis + 10_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.error("historian: final flush did not complete", e);
        } finally {
            thread.shutdown();
        }
    }

    @Override
    public void close() {
        stop(5_000);
    }
}
