package io.unshub.core.topic;

/**
 * Matches one topic name against one filter without allocating. For many filters at once the broker
 * uses its subscription tree; this is for in-process components and as the tree's test oracle.
 */
public final class TopicMatcher {

    private TopicMatcher() {
    }

    /**
     * Whether {@code topic} matches {@code filter} (which must not carry a {@code $share/} prefix).
     * Topics starting with '$' are never matched by a filter starting with a wildcard [MQTT-4.7.2-1].
     */
    public static boolean matches(String filter, String topic) {
        int fLen = filter.length();
        int tLen = topic.length();
        if (tLen > 0 && topic.charAt(0) == '$' && fLen > 0 && (filter.charAt(0) == '+' || filter.charAt(0) == '#')) {
            return false;
        }
        int f = 0;
        int t = 0;
        while (f < fLen) {
            char fc = filter.charAt(f);
            if (fc == '#') {
                // '#' also matches the parent level: "a/#" matches "a" [MQTT-4.7.1-2].
                return true;
            }
            if (fc == '+') {
                if (t > tLen) {
                    return false;
                }
                while (t < tLen && topic.charAt(t) != '/') {
                    t++;
                }
                f++;
            } else {
                int fEnd = filter.indexOf('/', f);
                if (fEnd < 0) {
                    fEnd = fLen;
                }
                int tEnd = topic.indexOf('/', t);
                if (tEnd < 0) {
                    tEnd = tLen;
                }
                if (t > tLen || fEnd - f != tEnd - t || !filter.regionMatches(f, topic, t, fEnd - f)) {
                    return false;
                }
                f = fEnd;
                t = tEnd;
            }
            // Both are now at a level separator or at their end.
            if (f == fLen) {
                return t == tLen;
            }
            f++; // skip '/' in the filter
            if (t == tLen) {
                // Topic ended; only "/#" may follow in the filter.
                return f < fLen && filter.charAt(f) == '#' && f == fLen - 1;
            }
            t++; // skip '/' in the topic
        }
        return t == tLen;
    }
}
