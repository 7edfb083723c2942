package io.unshub.broker.security.acl;

import io.unshub.core.topic.TopicMatcher;
import io.unshub.core.topic.Topics;

import java.util.ArrayList;
import java.util.List;

/**
 * One topic filter of a rule, possibly a template with {@code %u} (user name) and {@code %c} (client id),
 * plus the filter-against-filter relations the subscribe check needs.
 *
 * <p>Immutable. Matching a plain filter against a topic allocates nothing; a template is resolved into a new
 * string per check (only rules that use {@code %u}/{@code %c} pay for that).
 */
final class AclFilter {

    private static final char USER = 'u';
    private static final char CLIENT = 'c';

    private final String text;
    /** Literal pieces around the placeholders ({@code placeholders.length + 1} of them), or {@code null} when plain. */
    private final String[] pieces;
    private final char[] placeholders;
    /** The levels of a plain filter, for the subscribe relations; {@code null} for a template. */
    private final String[] levels;

    private AclFilter(String text, String[] pieces, char[] placeholders) {
        this.text = text;
        this.pieces = pieces;
        this.placeholders = placeholders;
        this.levels = pieces == null ? levels(text) : null;
    }

    /**
     * Compiles a filter as written in the file.
     *
     * @throws IllegalArgumentException with a short reason when it is not a usable rule filter
     */
    static AclFilter compile(String text) {
        if (text.startsWith(Topics.SHARE_PREFIX)) {
            throw new IllegalArgumentException("'" + Topics.SHARE_PREFIX + "' does not belong in a rule; "
                    + "rules are matched against the filter inside a shared subscription");
        }
        List<String> pieces = new ArrayList<>();
        StringBuilder placeholders = new StringBuilder();
        int start = 0;
        for (int i = 0; i < text.length() - 1; i++) {
            char next = text.charAt(i + 1);
            if (text.charAt(i) == '%' && (next == USER || next == CLIENT)) {
                pieces.add(text.substring(start, i));
                placeholders.append(next);
                start = i + 2;
                i++;
            }
        }
        pieces.add(text.substring(start));
        AclFilter filter = placeholders.isEmpty() ? new AclFilter(text, null, null)
                : new AclFilter(text, pieces.toArray(String[]::new), placeholders.toString().toCharArray());
        // Check the shape with a harmless stand-in for each placeholder.
        String problem = Topics.validateFilter(filter.isTemplate() ? filter.resolve("x", "x") : text);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return filter;
    }

    String text() {
        return text;
    }

    boolean isTemplate() {
        return pieces != null;
    }

    /**
     * The filter for one client, or {@code null} when it cannot apply: no user name for {@code %u} (anonymous),
     * or a value that is empty or holds {@code + # /} and so would widen the filter.
     */
    String resolve(String user, String clientId) {
        if (pieces == null) {
            return text;
        }
        StringBuilder resolved = new StringBuilder(text.length() + 32);
        for (int i = 0; i < placeholders.length; i++) {
            String value = placeholders[i] == USER ? user : clientId;
            if (!usable(value)) {
                return null;
            }
            resolved.append(pieces[i]).append(value);
        }
        return resolved.append(pieces[placeholders.length]).toString();
    }

    /** A user name or client id fit to stand in a topic: one plain level that cannot reach a $ topic. */
    private static boolean usable(String value) {
        if (value == null || value.isEmpty() || value.charAt(0) == '$') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+' || c == '#' || c == '/') {
                return false;
            }
        }
        return true;
    }

    /** Whether a PUBLISH to {@code topic} by this client is matched. Allocation-free for a plain filter. */
    boolean matchesTopic(String topic, String user, String clientId) {
        if (pieces == null) {
            return TopicMatcher.matches(text, topic);
        }
        String resolved = resolve(user, clientId);
        return resolved != null && TopicMatcher.matches(resolved, topic);
    }

    /** This filter's levels for one client, or {@code null} when the template cannot apply. */
    String[] levelsFor(String user, String clientId) {
        if (levels != null) {
            return levels;
        }
        String resolved = resolve(user, clientId);
        return resolved == null ? null : levels(resolved);
    }

    static String[] levels(String filter) {
        return filter.split("/", -1);
    }

    /**
     * Whether every topic that {@code inner} can match is also matched by {@code outer}: {@code a/+} covers
     * {@code a/b} and {@code a/+}, {@code a/#} covers {@code a}, {@code #} does not cover {@code $SYS/#}.
     */
    static boolean covers(String[] outer, String[] inner) {
        if (wildcardFirst(outer) && dollarFirst(inner)) {
            return false; // [MQTT-4.7.2-1]: outer cannot match the '$' topics inner names
        }
        for (int i = 0; ; i++) {
            boolean outerEnd = i == outer.length;
            boolean innerEnd = i == inner.length;
            if (!outerEnd && outer[i].equals("#")) {
                return true; // also matches the parent level, so inner's topics of exactly i levels are covered
            }
            if (outerEnd || innerEnd) {
                return outerEnd && innerEnd;
            }
            if (inner[i].equals("#")) {
                // inner also matches topics that end right here, which outer (not '#') cannot match, unless no
                // such topic exists: a topic is never empty, so "#" = "+/#" and "/#" = "/+/#".
                return !endingHereIsPossible(inner, i) && outer.length == i + 2 && outer[i].equals("+")
                        && outer[i + 1].equals("#");
            }
            if (outer[i].equals("+")) {
                continue;
            }
            if (inner[i].equals("+") || !outer[i].equals(inner[i])) {
                return false;
            }
        }
    }

    /** Whether some topic is matched by both filters: {@code acme/#} and {@code acme/secret/#} overlap. */
    static boolean overlaps(String[] a, String[] b) {
        if (wildcardFirst(a) && dollarFirst(b) || wildcardFirst(b) && dollarFirst(a)) {
            return false; // [MQTT-4.7.2-1]
        }
        for (int i = 0; ; i++) {
            boolean aEnd = i == a.length;
            boolean bEnd = i == b.length;
            if (!aEnd && a[i].equals("#") || !bEnd && b[i].equals("#")) {
                // A common topic exists, unless the other filter ends here and the only candidate is empty.
                return !(aEnd || bEnd) || endingHereIsPossible(a, i) && endingHereIsPossible(b, i);
            }
            if (aEnd || bEnd) {
                return aEnd && bEnd;
            }
            if (!a[i].equals("+") && !b[i].equals("+") && !a[i].equals(b[i])) {
                return false;
            }
        }
    }

    /**
     * Whether a topic of exactly {@code levels} levels can agree with this filter's first levels: not when that
     * topic would be the empty string (no levels at all, or a single level that the filter forces to be empty).
     */
    private static boolean endingHereIsPossible(String[] filter, int levels) {
        return levels > 1 || levels == 1 && !filter[0].isEmpty();
    }

    private static boolean wildcardFirst(String[] levels) {
        return levels[0].equals("+") || levels[0].equals("#");
    }

    private static boolean dollarFirst(String[] levels) {
        return levels[0].startsWith("$");
    }

    @Override
    public String toString() {
        return text;
    }
}
