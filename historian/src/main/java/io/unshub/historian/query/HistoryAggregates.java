package io.unshub.historian.query;

import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlExecutionContext;
import io.unshub.historian.store.HistorianStore;
import io.unshub.historian.store.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Time-bucketed aggregates of decoded numeric values with the engine's SAMPLE BY, one series per topic.
 * Thread-safe like {@link QuestHistoryReader}: each call has its own SQL context.
 */
public final class HistoryAggregates {

    /** Most buckets one query returns. */
    public static final int MAX_BUCKETS = 100_000;

    private final HistorianStore store;

    public HistoryAggregates(HistorianStore store) {
        this.store = store;
    }

    public List<AggregateBucket> aggregate(AggregateQuery query) throws HistoryException {
        String sql = sql(query);
        List<AggregateBucket> buckets = new ArrayList<>();
        try (SqlExecutionContext ctx = store.newContext();
             RecordCursorFactory factory = store.engine().select(sql, ctx);
             RecordCursor cursor = factory.getCursor(ctx)) {
            Record r = cursor.getRecord();
            while (buckets.size() < MAX_BUCKETS && cursor.hasNext()) {
                long count = r.getLong(3);
                buckets.add(new AggregateBucket(r.getSymA(1).toString(), r.getTimestamp(0) / 1000,
                        query.fn().equals("count") ? count : r.getDouble(2), count));
            }
        } catch (Exception e) {
            throw new HistoryException("aggregate failed: " + e.getMessage(), e);
        }
        return buckets;
    }

    static String sql(AggregateQuery query) {
        String fn = query.fn().equals("count") ? "count()" : query.fn() + "(value)";
        StringBuilder sql = new StringBuilder("SELECT ts, topic, ").append(fn).append(" v, count() n FROM ")
                .append(Schema.NUMERIC).append(" WHERE ")
                .append(QuestHistoryReader.timeCondition(query.fromMillis(), query.toMillis()));
        String topic = TopicFilterSql.condition(query.filter());
        if (topic != null) {
            sql.append(" AND ").append(topic);
        }
        sql.append(" SAMPLE BY ").append(query.every()).append(" ALIGN TO CALENDAR");
        return "SELECT * FROM (" + sql + ") ORDER BY topic, ts LIMIT " + MAX_BUCKETS;
    }
}
