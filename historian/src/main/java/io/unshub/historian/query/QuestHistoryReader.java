package io.unshub.historian.query;

import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlExecutionContext;
import io.questdb.std.BinarySequence;
import io.questdb.std.str.Utf8Sequence;
import io.questdb.std.str.Utf8s;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.topic.TopicMatcher;
import io.unshub.core.topic.Topics;
import io.unshub.historian.store.HistorianStore;
import io.unshub.historian.store.RawColumns;
import io.unshub.historian.store.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link HistoryReader} over the embedded store's raw log. Stateless apart from the engine, which is
 * thread-safe: every call compiles its own query in its own SQL context, so any thread may read while the
 * ingest thread writes. Physical order of the raw log is sequence order (its timestamps never go
 * backwards), so a page is a forward scan with no sort.
 */
public final class QuestHistoryReader implements HistoryReader {

    /** Largest page a single read returns, whatever the caller asks. */
    public static final int MAX_LIMIT = 100_000;

    private final HistorianStore store;

    public QuestHistoryReader(HistorianStore store) {
        this.store = store;
    }

    @Override
    public List<HistoryRecord> read(HistoryRange range) throws HistoryException {
        if (range.limit() < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + range.limit());
        }
        String topic = TopicFilterSql.condition(range.filter());
        int limit = Math.min(range.limit(), MAX_LIMIT);
        List<HistoryRecord> records = new ArrayList<>(Math.min(limit, 1024));
        try (SqlExecutionContext ctx = store.newContext()) {
            SymbolNames topics = new SymbolNames(RawColumns.TOPIC);
            TopicKeyFilter wildcard = null;
            if (topic != null && Topics.hasWildcard(range.filter())) {
                if (!anyStoredTopicMatches(range.filter(), ctx)) {
                    return records;
                }
                // Matched per row by symbol key below, so the query has no topic condition and no LIMIT.
                wildcard = new TopicKeyFilter(range.filter(), topics);
                topic = null;
            }
            SymbolNames publishers = new SymbolNames(RawColumns.PUBLISHER);
            try (RecordCursorFactory factory = store.engine().select(sql(range, topic, wildcard == null), ctx);
                 RecordCursor cursor = factory.getCursor(ctx)) {
                Record r = cursor.getRecord();
                while (records.size() < limit && cursor.hasNext()) {
                    if (wildcard == null || wildcard.accepts(r)) {
                        records.add(toRecord(r, topics.name(r), publishers.name(r)));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new HistoryException("history read failed: " + e.getMessage(), e);
        }
        return records;
    }

    /**
     * Whether any stored topic matches {@code filter}, read from the topic symbol table (QuestDB answers a bare
     * {@code SELECT DISTINCT} on a symbol column from the table, not from the rows), so a filter that matches
     * nothing costs no scan of the log.
     */
    private boolean anyStoredTopicMatches(String filter, SqlExecutionContext ctx) throws Exception {
        try (RecordCursorFactory factory = store.engine().select("SELECT DISTINCT topic FROM " + Schema.RAW, ctx);
             RecordCursor cursor = factory.getCursor(ctx)) {
            Record r = cursor.getRecord();
            while (cursor.hasNext()) {
                CharSequence topic = r.getSymA(0);
                if (topic != null && TopicMatcher.matches(filter, topic.toString())) {
                    return true;
                }
            }
        }
        return false;
    }

    static String sql(HistoryRange range, String topic, boolean limited) {
        StringBuilder sql = new StringBuilder("SELECT ").append(RawColumns.SELECT).append(" FROM ")
                .append(Schema.RAW).append(" WHERE ");
        sql.append(timeCondition(range.fromMillis(), range.toMillis()));
        if (range.afterSequence() >= 0) {
            sql.append(" AND seq > ").append(range.afterSequence());
        }
        if (topic != null) {
            sql.append(" AND ").append(topic);
        }
        if (limited) {
            sql.append(" LIMIT ").append(Math.min(range.limit(), MAX_LIMIT));
        }
        return sql.toString();
    }

    /** {@code ts} in [from, to) for epoch milliseconds; open ends are written as no condition. */
    static String timeCondition(long fromMillis, long toMillis) {
        StringBuilder c = new StringBuilder("ts >= ").append(micros(Math.max(0, fromMillis)));
        if (toMillis != Long.MAX_VALUE) {
            c.append(" AND ts < ").append(micros(toMillis));
        }
        return c.toString();
    }

    private static long micros(long millis) {
        return millis >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toMicros(millis);
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
