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

/**
 * An open forward scan of one raw-log table in sequence order, turning rows into {@link HistoryRecord}s on
 * demand, with a wildcard topic filter applied per row by symbol key when the query has none. Used by one reading
 * thread, closed after the page is read.
 */
final class RawLogCursor implements AutoCloseable {

    private final SqlExecutionContext ctx;
    private final RecordCursorFactory factory;
    private final RecordCursor cursor;
    private final Record r;
    private final SymbolNames topics = new SymbolNames(RawColumns.TOPIC);
    private final SymbolNames publishers = new SymbolNames(RawColumns.PUBLISHER);
    private final TopicKeyFilter wildcard;

    /** {@code wildcardFilter}: a filter to apply per row, or {@code null} when {@code sql} selects the rows. */
    RawLogCursor(HistorianStore store, String sql, String wildcardFilter) throws Exception {
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
        this.wildcard = wildcardFilter == null ? null : new TopicKeyFilter(wildcardFilter, topics);
    }

    /** Moves to the next row; false at the end. */
    boolean next() {
        while (cursor.hasNext()) {
            if (wildcard == null || wildcard.accepts(r)) {
                return true;
            }
        }
        return false;
    }

    /** The current row's sequence number. */
    long sequence() {
        return r.getLong(RawColumns.SEQ);
    }

    /** The current row as a record. */
    HistoryRecord record() {
        return toRecord(r, topics.name(r), publishers.name(r));
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

    private static HistoryRecord toRecord(Record r, String topic, String publisher) {
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
        return new HistoryRecord(seq, ts, topic, payload, qos, retain, properties, publisher);
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
