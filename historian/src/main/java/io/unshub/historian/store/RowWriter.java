package io.unshub.historian.store;

import io.questdb.cairo.TableWriter;
import io.questdb.std.str.Utf8String;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.ingest.DecodedValue;
import io.unshub.historian.ingest.TopicProfile;

import java.util.concurrent.TimeUnit;

/**
 * Appends rows to the three tables and commits them together. Owned by the ingest thread: QuestDB table
 * writers are not thread-safe, and this one holds the writer of each table for as long as it is open
 * (retention drops partitions through it too).
 */
public final class RowWriter implements AutoCloseable {

    private static final String REASON = "historian ingest";

    private final HistorianStore store;
    private final ByteArraySequence binary = new ByteArraySequence();
    private TableWriter raw;
    private TableWriter numeric;
    private TableWriter text;
    private int rawPending;

    public RowWriter(HistorianStore store) {
        this.store = store;
    }

    private void open() {
        if (raw == null) {
            raw = store.engine().getWriter(store.raw(), REASON);
            numeric = store.engine().getWriter(store.numeric(), REASON);
            text = store.engine().getWriter(store.text(), REASON);
        }
    }

    /** Appends one raw-log row (not yet committed). */
    public void appendRaw(long seq, long tsMillis, UnsMessage message) {
        open();
        TableWriter.Row row = raw.newRow(TimeUnit.MILLISECONDS.toMicros(tsMillis));
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

    /** Appends one decoded value (not yet committed). */
    public void appendValue(long seq, UnsMessage message, TopicProfile profile, DecodedValue value) {
        open();
        long tsMillis = value.timestampMillis() != Long.MIN_VALUE ? value.timestampMillis() : message.receivedAtMillis();
        TableWriter writer = value.isNumeric() ? numeric : text;
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

    /** Makes every appended row durable against a process crash and visible to readers. */
    public void commit() {
        if (raw == null) {
            return;
        }
        numeric.commit();
        text.commit();
        // The raw log last: a crash between the commits leaves decoded values without their raw row, never the reverse.
        raw.commit();
        rawPending = 0;
    }

    /** Discards the uncommitted rows, e.g. after a failed commit, so the batch can be written again. */
    public void rollback() {
        if (raw == null) {
            return;
        }
        try {
            raw.rollback();
            numeric.rollback();
            text.rollback();
        } finally {
            rawPending = 0;
        }
    }

    /** Drops the day partitions of {@code table} that end before {@code cutoffMillis}; returns how many. */
    public int dropPartitionsBefore(String table, long cutoffMillis) {
        open();
        TableWriter writer = switch (table) {
            case Schema.RAW -> raw;
            case Schema.NUMERIC -> numeric;
            case Schema.TEXT -> text;
            default -> throw new IllegalArgumentException("unknown table " + table);
        };
        long cutoffMicros = TimeUnit.MILLISECONDS.toMicros(cutoffMillis);
        long dayMicros = TimeUnit.DAYS.toMicros(1);
        int dropped = 0;
        // The newest partition is the active one and is never dropped here.
        while (writer.getPartitionCount() > 1 && writer.getPartitionTimestamp(0) + dayMicros <= cutoffMicros) {
            if (!writer.removePartition(writer.getPartitionTimestamp(0))) {
                break;
            }
            dropped++;
        }
        return dropped;
    }

    /** Releases the writers (after a failure they are reopened on the next append). */
    @Override
    public void close() {
        TableWriter[] writers = {raw, numeric, text};
        raw = numeric = text = null;
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
