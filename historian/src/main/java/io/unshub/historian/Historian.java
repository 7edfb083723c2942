package io.unshub.historian;

import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlExecutionContext;
import io.unshub.core.bus.UnsBus;
import io.unshub.historian.export.ExportSettings;
import io.unshub.historian.export.ExportStatus;
import io.unshub.historian.export.LineProtocolExport;
import io.unshub.historian.ingest.HistorianIngest;
import io.unshub.historian.ingest.IngestSettings;
import io.unshub.historian.ingest.IngestStatus;
import io.unshub.historian.ingest.TopicSelection;
import io.unshub.historian.ingest.ValueListener;
import io.unshub.historian.query.HistoryAggregates;
import io.unshub.historian.query.HistoryReader;
import io.unshub.historian.query.QuestHistoryReader;
import io.unshub.historian.retention.RetentionPolicy;
import io.unshub.historian.retention.RetentionTask;
import io.unshub.historian.store.HistorianStore;
import io.unshub.historian.store.RowWriter;
import io.unshub.historian.store.TableGroup;
import io.unshub.namespace.check.CompiledNamespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The historian assembled: the embedded store, the ingest from the bus, the readers, retention and the
 * optional export. Opened (store and readers usable) before {@link #start}, which subscribes to the bus;
 * {@link #stop} drains, commits and closes everything. Start and stop are called by one lifecycle thread.
 */
public final class Historian implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Historian.class);

    /**
     * @param directory         where the store lives ({@code <data-dir>/historian})
     * @param ingest            queue, batch and flush settings
     * @param include           topic filters always stored (and the only way to store '$' topics)
     * @param exclude           topic filters never stored (win over everything)
     * @param storeUnclassified whether topics outside the namespace model (when it is not enforced) are stored
     * @param retention         days kept
     * @param retentionInterval how often retention runs
     * @param export            the line-protocol export, or {@code null} for none
     */
    public record Settings(Path directory, IngestSettings ingest, List<String> include, List<String> exclude,
                           boolean storeUnclassified, RetentionPolicy retention, Duration retentionInterval,
                           ExportSettings export) {
    }

    private final Settings settings;
    private final Supplier<CompiledNamespace> namespace;
    private final HistorianStore store;
    private final QuestHistoryReader reader;
    private final HistoryAggregates aggregates;
    private final RetentionTask retention;
    private HistorianIngest ingest;
    private LineProtocolExport export;
    private ScheduledExecutorService retentionTimer;

    private Historian(Settings settings, Supplier<CompiledNamespace> namespace, HistorianStore store) {
        this.settings = settings;
        this.namespace = namespace;
        this.store = store;
        this.reader = new QuestHistoryReader(store);
        this.aggregates = new HistoryAggregates(store);
        this.retention = new RetentionTask(store, Clock.systemUTC());
    }

    /** Opens the store; readers work from here on, ingest starts with {@link #start}. */
    public static Historian open(Settings settings, Supplier<CompiledNamespace> namespace) {
        RetentionPolicy policy = settings.retention();
        return new Historian(settings, namespace, HistorianStore.open(settings.directory(), policy.defaultDays(),
                policy.classDays().values()));
    }

    public synchronized void start(UnsBus bus) {
        long[] last = lastRow();
        if (settings.export() != null) {
            export = new LineProtocolExport(settings.export());
        }
        TopicSelection selection = new TopicSelection(namespace, settings.include(), settings.exclude(),
                settings.storeUnclassified(), 100_000,
                className -> store.groupIndex(settings.retention().daysFor(className)));
        ingest = new HistorianIngest(bus, new RowWriter(store), selection, settings.ingest(),
                export == null ? ValueListener.NONE : export, last[0], last[1]);
        ingest.start();
        retentionTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "historian-retention");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, settings.retentionInterval().toMillis());
        // First run a minute after start: start-up stays quick, and a restarted hub still cleans up soon.
        retentionTimer.scheduleWithFixedDelay(this::applyRetention, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS);
        LOG.info("Historian: embedded QuestDB at {}, last sequence {}, flush every {} ms, retention groups {}",
                store.directory().toAbsolutePath(), last[0], settings.ingest().flushInterval().toMillis(),
                store.groups().stream().map(g -> g.rawName() + " " + (g.days() == 0 ? "forever" : g.days() + "d")
                        + (g.inForce() ? "" : " (left from an earlier configuration)")).toList());
    }

    /** Applies retention now (on the ingest thread); returns the partitions dropped. */
    public int applyRetention() {
        HistorianIngest current = ingest;
        if (current == null) {
            return 0;
        }
        int[] dropped = new int[1];
        try {
            current.onIngestThread(writer -> dropped[0] = retention.apply(writer, current.committedSequence()));
        } catch (RuntimeException e) {
            LOG.warn("historian retention failed: {}", e.toString());
        }
        return dropped[0];
    }

    /**
     * The newest raw-log sequence number and timestamp (ms) over every group, or -1 and 0 when the log is empty. The
     * sequence is at least the store's recorded floor, as retention may have emptied the tables that held the newest.
     */
    private long[] lastRow() {
        long[] last = {store.sequenceFloor(), 0};
        for (TableGroup group : store.groups()) {
            try (SqlExecutionContext ctx = store.newContext();
                 RecordCursorFactory factory = store.engine().select("SELECT seq, ts FROM " + group.rawName() + " LIMIT -1", ctx);
                 RecordCursor cursor = factory.getCursor(ctx)) {
                if (cursor.hasNext()) {
                    Record r = cursor.getRecord();
                    last[0] = Math.max(last[0], r.getLong(0));
                    last[1] = Math.max(last[1], r.getTimestamp(1) / 1000);
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the end of the historian log " + group.rawName() + ": "
                        + e.getMessage(), e);
            }
        }
        return last;
    }

    public HistoryReader reader() {
        return reader;
    }

    public HistoryAggregates aggregates() {
        return aggregates;
    }

    public HistorianStore store() {
        return store;
    }

    /** The ingest's counters, or {@code null} before {@link #start}. */
    public IngestStatus status() {
        HistorianIngest current = ingest;
        return current == null ? null : current.status();
    }

    /** The export's counters, or {@code null} when there is no export. */
    public ExportStatus exportStatus() {
        LineProtocolExport current = export;
        return current == null ? null : current.status();
    }

    public long partitionsDropped() {
        return retention.partitionsDropped();
    }

    /** Drains the bus queue (up to {@code drainMillis}), commits the last batch, closes the export and the store. */
    public synchronized void stop(long drainMillis) {
        if (retentionTimer != null) {
            retentionTimer.shutdownNow();
            retentionTimer = null;
        }
        if (ingest != null) {
            ingest.stop(drainMillis);
        }
        if (export != null) {
            try {
                export.close();
            } catch (RuntimeException e) {
                LOG.warn("historian export: close failed: {}", e.toString());
            }
            export = null;
        }
        store.close();
    }

    @Override
    public void close() {
        stop(5_000);
    }
}
