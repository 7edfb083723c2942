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
import java.util.Arrays;
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

    /** Most topics a wildcard filter is resolved to before falling back to the per-row regex. */
    static final int MAX_RESOLVED_TOPICS = 512;

    /** Topic names are cached per query by symbol key (keys are dense from 0) up to this many keys. */
    private static final int TOPIC_CACHE_MIN = 256;
    private static final int TOPIC_CACHE_MAX = 1 << 16;

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
            if (topic != null && Topics.hasWildcard(range.filter())) {
                List<String> matching = matchingTopics(range.filter(), ctx);
                if (matching != null && matching.isEmpty()) {
                    return records;
                }
                if (matching != null) {
                    topic = TopicFilterSql.in(matching);
                }
            }
            String[] topicNames = new String[TOPIC_CACHE_MIN];
            try (RecordCursorFactory factory = store.engine().select(sql(range, topic), ctx);
                 RecordCursor cursor = factory.getCursor(ctx)) {
                Record r = cursor.getRecord();
                while (records.size() < limit && cursor.hasNext()) {
                    int key = r.getInt(RawColumns.TOPIC);
                    if (key >= topicNames.length && key < TOPIC_CACHE_MAX) {
                        topicNames = Arrays.copyOf(topicNames, Math.min(TOPIC_CACHE_MAX, Math.max(key + 1, topicNames.length * 2)));
                    }
                    String name;
                    if (key >= 0 && key < topicNames.length) {
                        name = topicNames[key];
                        if (name == null) {
                            name = r.getSymA(RawColumns.TOPIC).toString();
                            topicNames[key] = name;
                        }
                    } else {
                        name = r.getSymA(RawColumns.TOPIC).toString();
                    }
                    records.add(toRecord(r, name));
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
     * The distinct stored topics {@code filter} matches, read from the topic symbol table (QuestDB answers a
     * bare {@code SELECT DISTINCT} on a symbol column from the table, not from the rows), so the page query
     * is an {@code IN} on symbol keys instead of a regular expression run on every row. {@code null} when
     * more than {@link #MAX_RESOLVED_TOPICS} match: a long IN list costs more than the regex it replaces.
     */
    private List<String> matchingTopics(String filter, SqlExecutionContext ctx) throws Exception {
        List<String> matching = new ArrayList<>();
        try (RecordCursorFactory factory = store.engine().select("SELECT DISTINCT topic FROM " + Schema.RAW, ctx);
             RecordCursor cursor = factory.getCursor(ctx)) {
            Record r = cursor.getRecord();
            while (cursor.hasNext()) {
                CharSequence topic = r.getSymA(0);
                if (topic != null) {
                    String name = topic.toString();
                    if (TopicMatcher.matches(filter, name)) {
                        if (matching.size() == MAX_RESOLVED_TOPICS) {
                            return null;
                        }
                        matching.add(name);
                    }
                }
            }
        }
        return matching;
    }

    static String sql(HistoryRange range, String topic) {
        StringBuilder sql = new StringBuilder("SELECT ").append(RawColumns.SELECT).append(" FROM ")
                .append(Schema.RAW).append(" WHERE ");
        sql.append(timeCondition(range.fromMillis(), range.toMillis()));
        if (range.afterSequence() >= 0) {
            sql.append(" AND seq > ").append(range.afterSequence());
        }
        if (topic != null) {
            sql.append(" AND ").append(topic);
        }
        return sql.append(" LIMIT ").append(Math.min(range.limit(), MAX_LIMIT)).toString();
    }

    /** {@code ts} in [from, to) for epoch milliseconds; open ends are written as no condition. */
    static String timeCondition(long fromMillis, long toMillis) {
        return timeCondition("ts", fromMillis, toMillis);
    }

    /**
     * {@code column} (a microsecond designated timestamp) in [from, to) for epoch milliseconds; an open end is
     * written as no condition.
     */
    static String timeCondition(String column, long fromMillis, long toMillis) {
        StringBuilder c = new StringBuilder(column).append(" >= ").append(micros(Math.max(0, fromMillis)));
        if (toMillis != Long.MAX_VALUE) {
            c.append(" AND ").append(column).append(" < ").append(micros(toMillis));
        }
        return c.toString();
    }

    private static long micros(long millis) {
        return millis >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toMicros(millis);
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
