package io.unshub.core.topic;

/**
 * Syntax rules for MQTT topic names and topic filters (MQTT 5 section 4.7), shared by the broker and by
 * in-process publishers. Validators return {@code null} when the input is valid and a short reason
 * otherwise, so callers on hot paths do not pay for exceptions.
 */
public final class Topics {

    /** Prefix of a shared subscription filter, {@code $share/<group>/<filter>}. */
    public static final String SHARE_PREFIX = "$share/";

    /** The longest topic an MQTT string can carry, in UTF-8 bytes. */
    public static final int MAX_TOPIC_BYTES = 65_535;

    /**
     * Most levels a topic name or filter may have. MQTT sets no limit, but a 64 KB topic of empty levels
     * would make matching walk 32,000 levels deep; real namespaces use well under 50.
     */
    public static final int MAX_LEVELS = 512;

    private Topics() {
    }

    /** Checks a PUBLISH topic name: not empty, no wildcards, no U+0000 [MQTT-3.3.2-1], [MQTT-3.3.2-2], [MQTT-4.7.3-1]. */
    public static String validateTopicName(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "topic name is empty";
        }
        int levels = 1;
        for (int i = 0, n = topic.length(); i < n; i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return "topic name contains a wildcard";
            }
            if (c == 0) {
                return "topic name contains U+0000";
            }
            if (c == '/' && ++levels > MAX_LEVELS) {
                return "topic name has more than " + MAX_LEVELS + " levels";
            }
        }
        return null;
    }

    /**
     * Checks a topic filter, including a {@code $share/} prefix: '#' only last and alone in its level,
     * '+' alone in its level [MQTT-4.7.1-1], [MQTT-4.7.1-2], share name without wildcards [MQTT-4.8.2-2].
     */
    public static String validateFilter(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "topic filter is empty";
        }
        String plain = filter;
        if (filter.startsWith(SHARE_PREFIX)) {
            int slash = filter.indexOf('/', SHARE_PREFIX.length());
            if (slash < 0) {
                return "shared subscription has no filter after the share name";
            }
            String group = filter.substring(SHARE_PREFIX.length(), slash);
            if (group.isEmpty() || group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
                return "share name is empty or contains a wildcard";
            }
            plain = filter.substring(slash + 1);
            if (plain.isEmpty()) {
                return "shared subscription has an empty filter";
            }
        }
        int n = plain.length();
        int levels = 1;
        for (int i = 0; i < n; i++) {
            char c = plain.charAt(i);
            if (c == 0) {
                return "topic filter contains U+0000";
            }
            if (c == '/' && ++levels > MAX_LEVELS) {
                return "topic filter has more than " + MAX_LEVELS + " levels";
            }
            if (c == '#') {
                if (i != n - 1 || (i > 0 && plain.charAt(i - 1) != '/')) {
                    return "'#' must be the last character and alone in its level";
                }
            } else if (c == '+') {
                boolean startsLevel = i == 0 || plain.charAt(i - 1) == '/';
                boolean endsLevel = i == n - 1 || plain.charAt(i + 1) == '/';
                if (!startsLevel || !endsLevel) {
                    return "'+' must occupy a whole level";
                }
            }
        }
        return null;
    }

    public static boolean isShared(String filter) {
        return filter.startsWith(SHARE_PREFIX);
    }

    /** The share name of a valid shared filter. */
    public static String shareGroup(String sharedFilter) {
        int slash = sharedFilter.indexOf('/', SHARE_PREFIX.length());
        return sharedFilter.substring(SHARE_PREFIX.length(), slash);
    }

    /** The filter part of a valid shared filter, or the filter itself when it is not shared. */
    public static String matchingFilter(String filter) {
        if (!isShared(filter)) {
            return filter;
        }
        return filter.substring(filter.indexOf('/', SHARE_PREFIX.length()) + 1);
    }

    public static boolean hasWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }
}
