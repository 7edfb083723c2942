package io.unshub.historian.query;

import io.unshub.historian.store.Schema;

/**
 * The one SQL text of an aggregate ({@link AggregateQuery}) over a decoded numeric table, shared by the embedded
 * store and an external QuestDB fed by the line-protocol export: both tables are {@value Schema#NUMERIC} with the
 * same {@code topic} symbol and {@code value} double, and differ only in the name of the designated timestamp
 * ({@code ts} in {@link Schema}; {@code timestamp} when QuestDB creates the table from line protocol).
 * Result columns: bucket start, topic, aggregate, count (and, combinable, first and last value time). Every user-supplied part is validated
 * ({@code every}, {@code fn} by {@link AggregateQuery}) or quoted as a literal ({@link TopicFilterSql}).
 *
 * @param table     the numeric table
 * @param timestamp its designated timestamp column (microseconds)
 */
public record AggregateSql(String table, String timestamp) {

    /** The embedded store's numeric table. */
    public static final AggregateSql EMBEDDED = new AggregateSql(Schema.NUMERIC, "ts");

    /** The export's numeric measurement as QuestDB auto-creates it from line protocol. */
    public static final AggregateSql EXPORTED = new AggregateSql(Schema.NUMERIC, "timestamp");

    /** Most buckets one query returns. */
    public static final int MAX_BUCKETS = 100_000;

    /** @throws IllegalArgumentException when the query's filter is not a valid topic filter */
    public String sql(AggregateQuery query) {
        return sql(query, false);
    }

    /**
     * As {@link #sql(AggregateQuery)} with three more columns, the first and the last value timestamp of each bucket,
     * which decide {@code first} and {@code last} when buckets of several tables are combined, and the number of
     * non-null values, which weighs {@code avg}.
     */
    public String combinableSql(AggregateQuery query) {
        return sql(query, true);
    }

    private String sql(AggregateQuery query, boolean span) {
        String fn = query.fn().equals("count") ? "count()" : query.fn() + "(value)";
        StringBuilder sql = new StringBuilder("SELECT ").append(timestamp).append(", topic, ").append(fn)
                .append(" v, count() n");
        if (span) {
            // w: the values avg and the others cover (count() also counts rows whose value is null, a NaN payload)
            sql.append(", min(").append(timestamp).append(") f, max(").append(timestamp).append(") l, count(value) w");
        }
        sql.append(" FROM ").append(table).append(" WHERE ")
                .append(QuestHistoryReader.timeCondition(timestamp, query.fromMillis(), query.toMillis()));
        String topic = TopicFilterSql.condition(query.filter());
        if (topic != null) {
            sql.append(" AND ").append(topic);
        }
        sql.append(" SAMPLE BY ").append(query.every()).append(" ALIGN TO CALENDAR");
        return "SELECT * FROM (" + sql + ") ORDER BY topic, " + timestamp + " LIMIT " + MAX_BUCKETS;
    }
}
