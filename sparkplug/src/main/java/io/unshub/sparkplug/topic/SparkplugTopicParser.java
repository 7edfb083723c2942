package io.unshub.sparkplug.topic;

import io.unshub.sparkplug.topic.SparkplugTopic.EdgeTopic;
import io.unshub.sparkplug.topic.SparkplugTopic.StateTopic;

/**
 * Parses topics by the robust rules of digest §1.6: level 0 must be exactly {@code spBv1.0}; {@code STATE} in
 * level 1 with three levels is a host STATE; otherwise a 3.0 verb with 4 (node) or 5 (device) levels. Anything
 * else under {@code spBv1.0/} is {@link Result.Invalid} (route it as plain MQTT, do not feed the host): unknown
 * verbs (Sparkplug 4), wrong level counts, empty levels, ids with {@code +} or {@code #}.
 *
 * <p>Stateless; splits by hand with {@code indexOf} so a parse allocates only the id strings and the result.
 */
public final class SparkplugTopicParser {

    private static final String PREFIX = SparkplugTopic.NAMESPACE + "/";

    private SparkplugTopicParser() {
    }

    /** What a topic is to Sparkplug. */
    public sealed interface Result {

        /** A valid Sparkplug B 3.0 topic. */
        record Parsed(SparkplugTopic topic) implements Result {
        }

        /** Not under {@code spBv1.0/}: nothing to do with Sparkplug. */
        record NotSparkplug() implements Result {
        }

        /** Under {@code spBv1.0/} but not a valid 3.0 topic; {@code reason} for a debug log line. */
        record Invalid(String reason) implements Result {
        }
    }

    private static final Result NOT_SPARKPLUG = new Result.NotSparkplug();

    /** True when the topic is in the Sparkplug B namespace at all (valid or not). */
    public static boolean isSparkplug(String topic) {
        return topic.startsWith(PREFIX);
    }

    public static Result parse(String topic) {
        if (!topic.startsWith(PREFIX)) {
            return NOT_SPARKPLUG;
        }
        int start = PREFIX.length();
        String[] levels = new String[4];
        int count = 0;
        while (true) {
            int slash = topic.indexOf('/', start);
            int end = slash < 0 ? topic.length() : slash;
            if (count == levels.length) {
                return new Result.Invalid("more than 5 levels");
            }
            levels[count++] = topic.substring(start, end);
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        for (int i = 0; i < count; i++) {
            String problem = idProblem(levels[i]);
            if (problem != null) {
                return new Result.Invalid("level " + (i + 1) + " " + problem);
            }
        }
        if (levels[0].equals("STATE")) {
            return count == 2 ? new Result.Parsed(new StateTopic(levels[1]))
                    : new Result.Invalid("STATE topics have exactly 3 levels");
        }
        if (count < 2) {
            return new Result.Invalid("no message type");
        }
        MessageType type = MessageType.ofToken(levels[1]);
        if (type == null) {
            return new Result.Invalid("message type " + levels[1] + " is not a Sparkplug B 3.0 verb");
        }
        int expected = type.isDeviceLevel() ? 4 : 3;
        if (count != expected) {
            return new Result.Invalid(type + " topics have " + (expected + 1) + " levels, this has " + (count + 1));
        }
        return new Result.Parsed(new EdgeTopic(levels[0], type, levels[2], count == 4 ? levels[3] : null));
    }

    /** Why an id cannot be a topic level, or {@code null} when it can. */
    static String idProblem(String id) {
        if (id == null || id.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '+' || c == '#' || c == '/' || c == '\u0000') {
                return "'" + id + "' contains '" + (c == 0 ? "\\u0000" : String.valueOf(c)) + "'";
            }
        }
        return null;
    }
}
