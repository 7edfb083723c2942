package io.unshub.historian.query;

import java.util.List;

/**
 * Answers aggregates of decoded numeric values: the embedded store ({@link HistoryAggregates}) or an external
 * QuestDB the export writes to ({@link QuestDbHttpAggregates}). Implementations are safe to call from any thread;
 * a call may block (it is meant for request threads, never an event loop).
 */
public interface AggregateSource {

    /**
     * One bucket per topic and period that has values, ordered by topic then bucket start, at most
     * {@link AggregateSql#MAX_BUCKETS}.
     *
     * @throws IllegalArgumentException when the query's filter is not a valid topic filter
     * @throws UpstreamQueryException   when an external server answered with an error
     * @throws HistoryException         when the store or server cannot be reached or read
     */
    List<AggregateBucket> aggregate(AggregateQuery query) throws HistoryException;
}
