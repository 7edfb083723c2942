package io.unshub.historian.query;

import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlExecutionContext;
import io.questdb.std.BinarySequence;
import io.questdb.std.str.Utf8Sequence;
import io.questdb.std.str.Utf8s;
import io.unshub.core.message.MessageProperties;
import io.unshub.historian.store.HistorianStore;
import io.unshub.historian.store.RawColumns;

import java.util.Arrays;

/**
 * An open forward scan of one raw-log table in sequence order, turning rows into {@link HistoryRecord}s on
 * demand. Used by one reading thread, closed after the page is read.
 */
final class RawLogCursor implements AutoCloseable {

    /** Topic names are cached per query by symbol key (keys are dense from 0) up to this many keys. */
    private static final int TOPIC_CACHE_MIN = 256;
    private static final int TOPIC_CACHE_MAX = 1 << 16;

    private final SqlExecutionContext ctx;
    private final RecordCursorFactory factory;
    private final RecordCursor cursor;
    private final Record r;
    private String[] topicNames = new String[TOPIC_CACHE_MIN];

    RawLogCursor(HistorianStore store, String sql) throws Exception {
        SqlExecutionContext context = store.newContext();
        RecordCursorFactory f = null;
        try {
            f = store.engine().select(sql, context);
            this.cursor = f.getCursor(context);
        } catch (Exception | Error e) {
            if (f != null) {
                f.close();
            }
            context.close();
            throw e;
        }
        this.ctx = context;
        this.factory = f;
        this.r = cursor.getRecord();
    }

    /** Moves to the next row; false at the end. */
    boolean next() {
        return cursor.hasNext();
    }

    /** The current row's sequence number. */
    long sequence() {
        return r.getLong(RawColumns.SEQ);
    }

    /** The current row as a record. */
    HistoryRecord record() {
        return toRecord(r, topic());
    }

    private String topic() {
        int key = r.getInt(RawColumns.TOPIC);
        if (key >= topicNames.length && key < TOPIC_CACHE_MAX) {
            topicNames = Arrays.copyOf(topicNames, Math.min(TOPIC_CACHE_MAX, Math.max(key + 1, topicNames.length * 2)));
        }
        if (key >= 0 && key < topicNames.length) {
            String name = topicNames[key];
            if (name == null) {
                name = r.getSymA(RawColumns.TOPIC).toString();
                topicNames[key] = name;
            }
            return name;
        }
        return r.getSymA(RawColumns.TOPIC).toString();
    }

    @Override
    public void close() {
        try {
            cursor.close();
            factory.close();
        } finally {
            ctx.close();
        }
    }

    private static HistoryRecord toRecord(Record r, String topic) {
        long seq = r.getLong(RawColumns.SEQ);
        long ts = r.getTimestamp(RawColumns.TS) / 1000;
        byte[] payload = bytes(r.getBin(RawColumns.PAYLOAD));
        int qos = r.getByte(RawColumns.QOS);
        boolean retain = r.getBool(RawColumns.RETAIN);
        long expiry = r.getLong(RawColumns.EXPIRY);
        String contentType = text(r.getVarcharA(RawColumns.CONTENT_TYPE));
        String responseTopic = text(r.getVarcharA(RawColumns.RESPONSE_TOPIC));
        BinarySequence correlationBin = r.getBin(RawColumns.CORRELATION);
        String userProps = text(r.getVarcharA(RawColumns.USER_PROPS));
        boolean utf8 = r.getBool(RawColumns.UTF8);
        MessageProperties properties;
        if (!utf8 && expiry == MessageProperties.NO_EXPIRY && contentType == null && responseTopic == null
                && correlationBin == null && userProps == null) {
            properties = MessageProperties.NONE;
        } else {
            properties = new MessageProperties(utf8, expiry == Long.MIN_VALUE ? MessageProperties.NO_EXPIRY : expiry,
                    contentType, responseTopic, correlationBin == null ? null : bytes(correlationBin),
                    RawColumns.userProperties(userProps));
        }
        CharSequence publisher = r.getSymA(RawColumns.PUBLISHER);
        return new HistoryRecord(seq, ts, topic, payload, qos, retain, properties,
                publisher == null ? null : publisher.toString());
    }

    private static String text(Utf8Sequence value) {
        return value == null ? null : Utf8s.toString(value);
    }

    private static byte[] bytes(BinarySequence bin) {
        if (bin == null) {
            return new byte[0];
        }
        int length = (int) bin.length();
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = bin.byteAt(i);
        }
        return out;
    }
}
