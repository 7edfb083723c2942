package io.unshub.namespace.check;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A segment pattern the fast path cannot express. Each thread keeps one {@link Matcher} and matches it
 * on a region of the topic, so a check allocates nothing once the thread is warm.
 */
final class RegexRule implements SegmentRule {

    private final String regex;
    private final ThreadLocal<Matcher> matchers;

    RegexRule(Pattern pattern, String regex) {
        this.regex = regex;
        this.matchers = ThreadLocal.withInitial(() -> pattern.matcher(""));
    }

    @Override
    public boolean accepts(String topic, int from, int to) {
        Matcher matcher = matchers.get();
        matcher.reset(topic);
        boolean matches = matcher.region(from, to).matches();
        matcher.reset(""); // do not pin the last topic to this thread
        return matches;
    }

    @Override
    public String pattern() {
        return regex;
    }
}
