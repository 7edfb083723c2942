package io.unshub.historian.query;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An aggregate over decoded numeric values: {@code fn} of the values of each topic matching {@code filter},
 * in buckets of {@code every} (QuestDB SAMPLE BY units: {@code 500T} ms, {@code 10s}, {@code 5m},
 * {@code 1h}, {@code 1d}), for value timestamps in [{@code fromMillis}, {@code toMillis}).
 */
public record AggregateQuery(String filter, long fromMillis, long toMillis, String every, String fn) {

    public static final Set<String> FUNCTIONS = Set.of("avg", "min", "max", "first", "last", "count");
    private static final Pattern EVERY = Pattern.compile("[1-9][0-9]{0,5}(T|s|m|h|d)");

    /** @throws IllegalArgumentException naming the bad part */
    public AggregateQuery {
        if (fn == null || !FUNCTIONS.contains(fn.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("fn must be one of avg, min, max, first, last, count, was '" + fn + "'");
        }
        fn = fn.toLowerCase(Locale.ROOT);
        if (every == null || !EVERY.matcher(every).matches()) {
            throw new IllegalArgumentException("every must be a positive count and a unit T (ms), s, m, h or d, e.g. 1m, was '"
                    + every + "'");
        }
        if (fromMillis >= toMillis) {
            throw new IllegalArgumentException("from must be before to");
        }
    }
}
