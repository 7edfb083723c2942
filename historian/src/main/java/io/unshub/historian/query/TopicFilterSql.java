package io.unshub.historian.query;

import io.unshub.core.topic.Topics;

/**
 * An MQTT topic filter as a SQL condition on a {@code topic} symbol column: equality for a plain topic, a
 * regular expression for wildcards ('+' one level, '#' the rest; a filter starting with a wildcard does not
 * match '$' topics, as in MQTT).
 */
public final class TopicFilterSql {

    private TopicFilterSql() {
    }

    /**
     * The condition for {@code filter}, or {@code null} when it matches every non-'$' topic and needs none.
     *
     * @throws IllegalArgumentException when the filter is not a valid MQTT topic filter (the message says why)
     */
    public static String condition(String filter) {
        String problem = Topics.validateFilter(filter);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (Topics.isShared(filter)) {
            throw new IllegalArgumentException("a shared subscription filter does not select history");
        }
        if (!Topics.hasWildcard(filter)) {
            return "topic = '" + filter.replace("'", "''") + "'";
        }
        StringBuilder regex = new StringBuilder("^");
        if (filter.charAt(0) == '+' || filter.charAt(0) == '#') {
            regex.append("(?!\\$)");
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                // "a/#" also matches "a" itself [MQTT-4.7.1-2]
                if (i == 0) {
                    regex.append(".*");
                } else {
                    regex.setLength(regex.length() - 1); // the '/' before '#'
                    regex.append("(/.*)?");
                }
                break;
            }
            regex.append(level.equals("+") ? "[^/]*" : quote(level));
            if (i < levels.length - 1) {
                regex.append('/');
            }
        }
        regex.append('$');
        return "topic ~ '" + regex.toString().replace("'", "''") + "'";
    }

    private static String quote(String literal) {
        StringBuilder out = new StringBuilder(literal.length() + 8);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if ("\\.[]{}()<>*+-=!?^$|".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
