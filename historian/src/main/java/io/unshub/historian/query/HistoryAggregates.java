package io.unshub.historian.query;

import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlExecutionContext;
import io.unshub.historian.store.HistorianStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Time-bucketed aggregates of decoded numeric values in the embedded store with the engine's SAMPLE BY
 * ({@link AggregateSql#EMBEDDED}), one series per topic.
 * Thread-safe like {@link QuestHistoryReader}: each call has its own SQL context.
 */
public final class HistoryAggregates implements AggregateSource {

    /** Most buckets one query returns. */
    public static final int MAX_BUCKETS = AggregateSql.MAX_BUCKETS;

    private final HistorianStore store;

    public HistoryAggregates(HistorianStore store) {
        this.store = store;
    }

    @Override
    public List<AggregateBucket> aggregate(AggregateQuery query) throws HistoryException {
        String sql = AggregateSql.EMBEDDED.sql(query);
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
}
