package io.unshub.historian.query;

import io.questdb.cairo.sql.Record;
import io.unshub.core.topic.TopicMatcher;

import java.util.Arrays;

/**
 * A wildcard topic filter applied to the rows of one query by symbol key: each distinct topic is matched once (with
 * the broker's rules, '$' included) and every later row costs an array read. A SQL condition on the symbol column
 * costs a regular expression or a hash lookup per row, which was most of a replay's time.
 *
 * <p>Not thread-safe: owned by the thread running the query.
 */
final class TopicKeyFilter {

    private static final byte UNKNOWN = 0;
    private static final byte MATCH = 1;
    private static final byte NO_MATCH = 2;

    private final String filter;
    private final SymbolNames topics;
    private byte[] verdicts = new byte[256];

    TopicKeyFilter(String filter, SymbolNames topics) {
        this.filter = filter;
        this.topics = topics;
    }

    /** Whether the current row's topic matches the filter. */
    boolean accepts(Record row) {
        int key = topics.key(row);
        if (key < 0 || key >= SymbolNames.MAX_KEYS) {
            String topic = topics.name(row);
            return topic != null && TopicMatcher.matches(filter, topic);
        }
        if (key >= verdicts.length) {
            verdicts = Arrays.copyOf(verdicts, Math.min(SymbolNames.MAX_KEYS, Math.max(key + 1, verdicts.length * 2)));
        }
        byte verdict = verdicts[key];
        if (verdict == UNKNOWN) {
            String topic = topics.name(row);
            verdict = topic != null && TopicMatcher.matches(filter, topic) ? MATCH : NO_MATCH;
            verdicts[key] = verdict;
        }
        return verdict == MATCH;
    }
}
