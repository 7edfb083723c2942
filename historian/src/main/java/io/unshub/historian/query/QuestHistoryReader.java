package io.unshub.historian.query;

import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlExecutionContext;
import io.unshub.core.topic.TopicMatcher;
import io.unshub.core.topic.Topics;
import io.unshub.historian.store.HistorianStore;
import io.unshub.historian.store.RawColumns;
import io.unshub.historian.store.TableGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link HistoryReader} over the embedded store's raw logs, one per retention group. Stateless apart from the
 * engine, which is thread-safe: every call compiles its own queries in their own SQL contexts, so any thread may
 * read while the ingest thread writes. Physical order of each raw log is sequence order (timestamps never go
 * backwards, over all groups together), so a page is a forward scan with no sort; with several groups the
 * per-group scans are merged by sequence number, reading only as far as the page needs.
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
        List<TableGroup> groups = store.groups();
        List<RawLogCursor> open = new ArrayList<>(groups.size());
        try {
            for (TableGroup group : groups) {
                RawLogCursor cursor = openPage(group.rawName(), range, topic);
                if (cursor != null) {
                    open.add(cursor);
                }
            }
            if (open.size() == 1) {
                RawLogCursor only = open.get(0);
                while (records.size() < limit && only.next()) {
                    records.add(only.record());
                }
            } else if (!open.isEmpty()) {
                merge(open, limit, records);
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new HistoryException("history read failed: " + e.getMessage(), e);
        } finally {
            for (RawLogCursor cursor : open) {
                cursor.close();
            }
        }
        return records;
    }

    /**
     * A k-way merge by sequence number of scans that are each in sequence order (k is the number of groups,
     * a handful, so the smallest head is found by a linear look). Only the rows taken become records.
     */
    private static void merge(List<RawLogCursor> cursors, int limit, List<HistoryRecord> out) {
        int k = cursors.size();
        long[] heads = new long[k];
        boolean[] live = new boolean[k];
        for (int i = 0; i < k; i++) {
            live[i] = cursors.get(i).next();
            if (live[i]) {
                heads[i] = cursors.get(i).sequence();
            }
        }
        while (out.size() < limit) {
            int min = -1;
            for (int i = 0; i < k; i++) {
                if (live[i] && (min < 0 || heads[i] < heads[min])) {
                    min = i;
                }
            }
            if (min < 0) {
                return;
            }
            RawLogCursor c = cursors.get(min);
            out.add(c.record());
            live[min] = c.next();
            if (live[min]) {
                heads[min] = c.sequence();
            }
        }
    }

    /** The page's scan of {@code table}, or {@code null} when the filter matches no topic stored there. */
    private RawLogCursor openPage(String table, HistoryRange range, String topic) throws Exception {
        if (topic != null && Topics.hasWildcard(range.filter())) {
            if (!anyStoredTopicMatches(table, range.filter())) {
                return null;
            }
            // Matched per row by symbol key in the cursor, so the query has no topic condition and no LIMIT.
            return new RawLogCursor(store, sql(table, range, null, false), range.filter());
        }
        return new RawLogCursor(store, sql(table, range, topic, true), null);
    }

    /**
     * Whether any topic stored in {@code table} matches {@code filter}, read from the topic symbol table (QuestDB
     * answers a bare {@code SELECT DISTINCT} on a symbol column from the table, not from the rows), so a filter that
     * matches nothing there costs no scan.
     */
    private boolean anyStoredTopicMatches(String table, String filter) throws Exception {
        try (SqlExecutionContext ctx = store.newContext();
             RecordCursorFactory factory = store.engine().select("SELECT DISTINCT topic FROM " + table, ctx);
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

    static String sql(String table, HistoryRange range, String topic, boolean limited) {
        StringBuilder sql = new StringBuilder("SELECT ").append(RawColumns.SELECT).append(" FROM ")
                .append(table).append(" WHERE ");
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
}
