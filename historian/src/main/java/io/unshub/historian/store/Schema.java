package io.unshub.historian.store;

import java.util.List;

/**
 * The historian's tables. All are partitioned by day on their designated timestamp (so retention drops
 * whole partitions) and bypass the WAL: one writer per table on the ingest thread, and a commit is
 * visible to readers at once, with no apply job to run.
 *
 * <ul>
 *   <li>{@value #RAW}: every stored message exactly as it entered the bus, for replay. {@code ts} is the
 *       receive time, clamped so it never goes backwards, which keeps physical order equal to sequence
 *       order.</li>
 *   <li>{@value #NUMERIC} / {@value #TEXT}: decoded values of UNS JSON values and bare numbers, with the
 *       location levels, class and tag path as symbols; {@code ts} is the payload's {@code timestamp_ms}
 *       (the receive time when it has none).</li>
 * </ul>
 */
public final class Schema {

    public static final String RAW = "uns_msg";
    public static final String NUMERIC = "uns_value";
    public static final String TEXT = "uns_value_str";

    /** The location columns, in the order of the namespace model's levels. */
    public static final List<String> LEVELS = List.of("enterprise", "site", "area", "line", "cell");

    static final List<String> DDL = List.of(
            "CREATE TABLE IF NOT EXISTS " + RAW + " ("
                    + "ts TIMESTAMP, seq LONG, topic SYMBOL CAPACITY 65536 CACHE, payload BINARY, qos BYTE, "
                    + "retain BOOLEAN, utf8 BOOLEAN, expiry LONG, content_type VARCHAR, response_topic VARCHAR, "
                    + "correlation BINARY, user_props VARCHAR, publisher SYMBOL CAPACITY 4096 CACHE, "
                    + "origin SYMBOL CAPACITY 4 CACHE"
                    + ") TIMESTAMP(ts) PARTITION BY DAY BYPASS WAL",
            valueTable(NUMERIC, "DOUBLE"),
            valueTable(TEXT, "VARCHAR"));

    private Schema() {
    }

    private static String valueTable(String name, String valueType) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(name)
                .append(" (ts TIMESTAMP, received TIMESTAMP, seq LONG, topic SYMBOL CAPACITY 65536 CACHE, ");
        for (String level : LEVELS) {
            ddl.append(level).append(" SYMBOL CAPACITY 1024 CACHE, ");
        }
        return ddl.append("class SYMBOL CAPACITY 256 CACHE, tag SYMBOL CAPACITY 65536 CACHE, value ")
                .append(valueType).append(", quality BYTE, unit SYMBOL CAPACITY 1024 CACHE")
                .append(") TIMESTAMP(ts) PARTITION BY DAY BYPASS WAL").toString();
    }
}
