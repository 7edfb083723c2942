package io.unshub.historian.store;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The historian's tables. All are partitioned by day on their designated timestamp (so retention drops
 * whole partitions) and bypass the WAL: one writer per table on the ingest thread, and a commit is
 * visible to readers at once, with no apply job to run.
 *
 * <p>The three tables exist once per retention group ({@link TableGroup}): the default group uses the names
 * below, a group keeping a different number of days {@code d} the same names with the suffix
 * {@code _r<d>} ({@code uns_msg_r7}, {@code uns_value_r7}, {@code uns_value_str_r7}; {@code _r0} keeps
 * forever). The default group's names are those of the single set of tables before retention was per class,
 * so an older store is read as the default group.
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

    /** Separates a group's day count from the base table name. */
    static final String GROUP_SUFFIX = "_r";

    private static final Pattern GROUP_RAW = Pattern.compile(
            Pattern.quote(RAW + GROUP_SUFFIX) + "([0-9]{1,9})");

    /** The name of {@code base} ({@link #RAW}, {@link #NUMERIC} or {@link #TEXT}) in the group with {@code suffix}. */
    static String name(String base, String suffix) {
        return base + suffix;
    }

    /** The suffix of the group keeping {@code days} days. */
    static String suffix(int days) {
        return GROUP_SUFFIX + days;
    }

    /** The day count of a non-default group's raw-log table name, or -1 when {@code table} is not one. */
    static int groupDays(String table) {
        Matcher m = GROUP_RAW.matcher(table);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The statements creating (when absent) the three tables of the group with {@code suffix}. */
    static List<String> ddl(String suffix) {
        return List.of("CREATE TABLE IF NOT EXISTS " + name(RAW, suffix) + " ("
                    + "ts TIMESTAMP, seq LONG, topic SYMBOL CAPACITY 65536 CACHE, payload BINARY, qos BYTE, "
                    + "retain BOOLEAN, utf8 BOOLEAN, expiry LONG, content_type VARCHAR, response_topic VARCHAR, "
                    + "correlation BINARY, user_props VARCHAR, publisher SYMBOL CAPACITY 4096 CACHE, "
                    + "origin SYMBOL CAPACITY 4 CACHE"
                    + ") TIMESTAMP(ts) PARTITION BY DAY BYPASS WAL",
                valueTable(name(NUMERIC, suffix), "DOUBLE"),
                valueTable(name(TEXT, suffix), "VARCHAR"));
    }

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
