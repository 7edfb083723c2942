package io.unshub.historian.query;

import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlExecutionContext;
import io.unshub.historian.store.HistorianStore;
import io.unshub.historian.store.TableGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time-bucketed aggregates of decoded numeric values in the embedded store with the engine's SAMPLE BY
 * ({@link AggregateSql#EMBEDDED}), one series per topic. With several retention groups each group's value table
 * is sampled on its own and buckets of the same topic and start are combined (a topic whose class changed group
 * has values in both). Thread-safe like {@link QuestHistoryReader}: each call has its own SQL context.
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
        List<TableGroup> groups = store.groups();
        if (groups.size() == 1) {
            return one(query);
        }
        // topic -> bucket start -> the bucket combined over the groups, both in the order of the answer
        Map<String, TreeMap<Long, Partial>> series = new TreeMap<>();
        for (TableGroup group : groups) {
            String sql = new AggregateSql(group.numericName(), "ts").combinableSql(query);
            try (SqlExecutionContext ctx = store.newContext();
                 RecordCursorFactory factory = store.engine().select(sql, ctx);
                 RecordCursor cursor = factory.getCursor(ctx)) {
                Record r = cursor.getRecord();
                while (cursor.hasNext()) {
                    Partial p = new Partial(r.getDouble(2), r.getLong(3), r.getLong(6), r.getTimestamp(4),
                            r.getTimestamp(5));
                    series.computeIfAbsent(r.getSymA(1).toString(), t -> new TreeMap<>())
                            .merge(r.getTimestamp(0) / 1000, p, (a, b) -> a.combine(b, query.fn()));
                }
            } catch (Exception e) {
                throw new HistoryException("aggregate failed: " + e.getMessage(), e);
            }
        }
        List<AggregateBucket> buckets = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, Partial>> topic : series.entrySet()) {
            for (Map.Entry<Long, Partial> bucket : topic.getValue().entrySet()) {
                if (buckets.size() == MAX_BUCKETS) {
                    return buckets;
                }
                Partial p = bucket.getValue();
                buckets.add(new AggregateBucket(topic.getKey(), bucket.getKey(),
                        query.fn().equals("count") ? p.count : p.value, p.count));
            }
        }
        return buckets;
    }

    private List<AggregateBucket> one(AggregateQuery query) throws HistoryException {
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

    /**
     * One table's bucket: its aggregate (NaN when it has no non-null value), how many rows and how many non-null values
     * it covers and when its first and last row were.
     */
    private record Partial(double value, long count, long weight, long firstMicros, long lastMicros) {

        Partial combine(Partial o, String fn) {
            long n = count + o.count;
            double v;
            if (fn.equals("count")) {
                v = n;
            } else if (Double.isNaN(o.value)) {
                v = value; // a table with only null values in the bucket adds nothing (and min/max would spread NaN)
            } else if (Double.isNaN(value)) {
                v = o.value;
            } else {
                v = switch (fn) {
                    case "avg" -> (value * weight + o.value * o.weight) / (weight + o.weight);
                    case "min" -> Math.min(value, o.value);
                    case "max" -> Math.max(value, o.value);
                    case "first" -> o.firstMicros < firstMicros ? o.value : value;
                    default -> o.lastMicros > lastMicros ? o.value : value; // last
                };
            }
            return new Partial(v, n, weight + o.weight, Math.min(firstMicros, o.firstMicros),
                    Math.max(lastMicros, o.lastMicros));
        }
    }
}
