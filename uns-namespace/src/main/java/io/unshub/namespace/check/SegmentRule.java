package io.unshub.namespace.check;

import java.util.regex.Pattern;

/**
 * Whether one topic segment, given as a range of the topic string, matches a pattern as a whole.
 * Checking a range instead of a substring keeps the accept path free of allocation.
 */
public interface SegmentRule {

    boolean accepts(String topic, int from, int to);

    /** The pattern as written, for error messages. */
    String pattern();

    /**
     * Compiles {@code regex}: the common shapes ({@code [a-z0-9][a-z0-9_-]{0,62}} and friends) become a
     * table lookup per character; anything else runs as a regular expression.
     *
     * @throws java.util.regex.PatternSyntaxException if it is not a valid regular expression
     */
    static SegmentRule compile(String regex) {
        Pattern pattern = Pattern.compile(regex);
        SegmentRule fast = CharClassRule.tryCompile(regex);
        return fast != null ? fast : new RegexRule(pattern, regex);
    }
}
