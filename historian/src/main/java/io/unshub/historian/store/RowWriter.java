package io.unshub.historian.store;

import io.questdb.cairo.TableToken;
import io.questdb.cairo.TableWriter;
import io.questdb.std.str.Utf8String;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.ingest.DecodedValue;
import io.unshub.historian.ingest.TopicProfile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;

/**
 * Appends rows to the tables of each retention group ({@link TableGroup}, by index in
 * {@link HistorianStore#groups()}) and commits them together. Owned by the ingest thread: QuestDB table
 * writers are not thread-safe, and this one holds the writer of each table for as long as it is open
 * (retention drops partitions through it too).
 */
public final class RowWriter implements AutoCloseable {

    private static final String REASON = "historian ingest";

    private final HistorianStore store;
    private final ByteArraySequence binary = new ByteArraySequence();
    private final int groupCount;
    private final TableWriter[] raw;
    private final TableWriter[] numeric;
    private final TableWriter[] text;
    /** Groups with rows since the last commit: only their writers are committed. */
    private final boolean[] dirty;
    /**
     * Tables (by {@link #slot}) that already committed the batch in hand when a later table's commit failed:
     * the retry appends the same batch again, and these tables skip it instead of storing it twice.
     */
    private final boolean[] done;
    private boolean open;
    private int rawPending;

    public RowWriter(HistorianStore store) {
        this.store = store;
        this.groupCount = store.groups().size();
        this.raw = new TableWriter[groupCount];
        this.numeric = new TableWriter[groupCount];
        this.text = new TableWriter[groupCount];
        this.dirty = new boolean[groupCount];
        this.done = new boolean[3 * groupCount];
    }

    private static final int RAW_SLOT = 0;
    private static final int NUMERIC_SLOT = 1;
    private static final int TEXT_SLOT = 2;

    private static int slot(int group, int table) {
        return 3 * group + table;
    }

    private void open() {
        if (!open) {
            open = true;
            for (int g = 0; g < groupCount; g++) {
                TableGroup group = store.groups().get(g);
                raw[g] = store.engine().getWriter(group.raw(), REASON);
                numeric[g] = store.engine().getWriter(group.numeric(), REASON);
                text[g] = store.engine().getWriter(group.text(), REASON);
            }
        }
    }

    /** Appends one raw-log row to {@code group}'s log (not yet committed). */
    public void appendRaw(int group, long seq, long tsMillis, UnsMessage message) {
        if (done[slot(group, RAW_SLOT)]) {
            return;
        }
        open();
        dirty[group] = true;
        TableWriter.Row row = raw[group].newRow(TimeUnit.MILLISECONDS.toMicros(tsMillis));
        row.putLong(1, seq);
        row.putSym(2, message.topic());
        row.putBin(3, binary.of(message.payload()));
        row.putByte(4, (byte) message.qos());
        row.putBool(5, message.retain());
        MessageProperties p = message.properties();
        if (!p.isEmpty()) {
            row.putBool(6, p.utf8Payload());
            row.putLong(7, p.messageExpirySeconds());
            putVarchar(row, 8, p.contentType());
            putVarchar(row, 9, p.responseTopic());
            if (p.correlationData() != null) {
                row.putBin(10, binary.of(p.correlationData()));
            }
            putVarchar(row, 11, UserPropertiesCodec.encode(p.userProperties()));
        } else {
            row.putLong(7, MessageProperties.NO_EXPIRY);
        }
        row.putSym(12, message.origin().id());
        row.putSym(13, message.origin().kind().name().toLowerCase(java.util.Locale.ROOT));
        row.append();
        rawPending++;
    }

    /** Appends one decoded value to the value table of the profile's group (not yet committed). */
    public void appendValue(long seq, UnsMessage message, TopicProfile profile, DecodedValue value) {
        open();
        int group = profile.group();
        if (done[slot(group, value.isNumeric() ? NUMERIC_SLOT : TEXT_SLOT)]) {
            return;
        }
        dirty[group] = true;
        long tsMillis = value.timestampMillis() != Long.MIN_VALUE ? value.timestampMillis() : message.receivedAtMillis();
        TableWriter writer = value.isNumeric() ? numeric[group] : text[group];
        TableWriter.Row row = writer.newRow(TimeUnit.MILLISECONDS.toMicros(tsMillis));
        row.putTimestamp(1, TimeUnit.MILLISECONDS.toMicros(message.receivedAtMillis()));
        row.putLong(2, seq);
        row.putSym(3, message.topic());
        String[] levels = profile.levels();
        for (int i = 0; i < levels.length; i++) {
            if (levels[i] != null) {
                row.putSym(4 + i, levels[i]);
            }
        }
        int next = 4 + Schema.LEVELS.size();
        row.putSym(next, profile.className());
        if (profile.tag() != null) {
            row.putSym(next + 1, profile.tag());
        }
        if (value.isNumeric()) {
            row.putDouble(next + 2, value.number());
        } else {
            putVarchar(row, next + 2, value.text());
        }
        row.putByte(next + 3, value.quality());
        if (value.unit() != null) {
            row.putSym(next + 4, value.unit());
        }
        row.append();
    }

    private static void putVarchar(TableWriter.Row row, int column, String value) {
        if (value != null) {
            row.putVarchar(column, new Utf8String(value));
        }
    }

    /** Rows appended since the last commit or rollback. */
    public int pending() {
        return rawPending;
    }

    /**
     * Makes every appended row durable against a process crash and visible to readers. When one table's
     * commit fails, the tables committed before it remember it: append the same batch again and commit, and
     * they skip the rows they hold (until a commit succeeds or {@link #abandonBatch()}).
     */
    public void commit() {
        if (!open) {
            return;
        }
        for (int g = 0; g < groupCount; g++) {
            if (dirty[g]) {
                commit(numeric[g], slot(g, NUMERIC_SLOT));
                commit(text[g], slot(g, TEXT_SLOT));
            }
        }
        // The raw logs last: a crash between the commits leaves decoded values without their raw row, never the
        // reverse. With several groups a crash between two raw-log commits keeps part of the batch: its sequence
        // numbers are unique all the same, and numbering resumes after the highest one stored.
        for (int g = 0; g < groupCount; g++) {
            if (dirty[g]) {
                commit(raw[g], slot(g, RAW_SLOT));
            }
        }
        Arrays.fill(dirty, false);
        Arrays.fill(done, false);
        rawPending = 0;
    }

    private void commit(TableWriter writer, int slot) {
        writer.commit();
        done[slot] = true;
    }

    /** Forgets which tables hold the batch in hand: the caller gave it up and the next batch is a new one. */
    public void abandonBatch() {
        Arrays.fill(done, false);
    }

    /** Discards the uncommitted rows, e.g. after a failed commit, so the batch can be written again. */
    public void rollback() {
        if (!open) {
            return;
        }
        try {
            for (int g = 0; g < groupCount; g++) {
                if (dirty[g]) {
                    raw[g].rollback();
                    numeric[g].rollback();
                    text[g].rollback();
                }
            }
        } finally {
            Arrays.fill(dirty, false);
            rawPending = 0;
        }
    }

    /**
     * Drops the day partitions of the three tables of {@code group} whose start (epoch microseconds) {@code expired}
     * accepts, the newest one too (a group that no longer receives rows must not keep its last day forever); returns
     * how many. Called on the ingest thread between batches, so no table has uncommitted rows. A table that fails is
     * skipped and reported through {@code onFailure}.
     */
    public int dropPartitions(int group, LongPredicate expired, BiConsumer<TableToken, RuntimeException> onFailure) {
        open();
        TableWriter[] writers = {raw[group], numeric[group], text[group]};
        int dropped = 0;
        for (TableWriter writer : writers) {
            try {
                dropped += dropPartitions(writer, expired);
            } catch (RuntimeException e) {
                onFailure.accept(writer.getTableToken(), e);
            }
        }
        return dropped;
    }

    private static int dropPartitions(TableWriter writer, LongPredicate expired) {
        int candidates = writer.getPartitionCount();
        long[] starts = new long[candidates];
        int n = 0;
        for (int i = 0; i < candidates; i++) {
            long start = writer.getPartitionTimestamp(i);
            if (expired.test(start)) {
                starts[n++] = start;
            }
        }
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            if (writer.removePartition(starts[i])) {
                dropped++;
            }
        }
        return dropped;
    }

    /** Releases the writers (after a failure they are reopened on the next append). */
    @Override
    public void close() {
        List<TableWriter> writers = new ArrayList<>(3 * groupCount);
        for (int g = 0; g < groupCount; g++) {
            writers.add(raw[g]);
            writers.add(numeric[g]);
            writers.add(text[g]);
        }
        Arrays.fill(raw, null);
        Arrays.fill(numeric, null);
        Arrays.fill(text, null);
        Arrays.fill(dirty, false);
        open = false;
        rawPending = 0;
        for (TableWriter writer : writers) {
            if (writer != null) {
                try {
                    writer.close();
                } catch (RuntimeException | io.questdb.cairo.CairoError | AssertionError ignored) {
                    // closing a broken writer must not hide the failure that made us close it
                }
            }
        }
    }
}
