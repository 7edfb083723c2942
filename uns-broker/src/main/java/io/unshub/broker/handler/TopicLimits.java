package io.unshub.broker.handler;

import io.netty.buffer.ByteBufUtil;
import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;

/**
 * The configured bounds on topic names and filters: levels and UTF-8 bytes (0 = unlimited). They come on
 * top of MQTT's own rules, which {@code Topics} checks. Immutable.
 */
record TopicLimits(int maxLevels, int maxLength) {

    static TopicLimits of(ClientLimits limits) {
        return new TopicLimits(limits.maxTopicLevels(), limits.maxTopicLength());
    }

    boolean unlimited() {
        return maxLevels == 0 && maxLength == 0;
    }

    /** The limit {@code topic} (a topic name, or the filter part of a subscription) exceeds, or null. */
    LimitHit exceeded(String topic) {
        if (maxLength > 0) {
            int chars = topic.length();
            // a char is 1 to 3 UTF-8 bytes (a surrogate pair 4 for two chars): count bytes only when it matters
            if (chars > maxLength || (chars * 3L > maxLength && ByteBufUtil.utf8Bytes(topic) > maxLength)) {
                return LimitHit.TOPIC_LENGTH;
            }
        }
        if (maxLevels > 0) {
            int levels = 1;
            for (int i = 0, n = topic.length(); i < n; i++) {
                if (topic.charAt(i) == '/' && ++levels > maxLevels) {
                    return LimitHit.TOPIC_LEVELS;
                }
            }
        }
        return null;
    }

    /** Why {@link #exceeded} refused, for reason strings and the audit log. */
    String describe(LimitHit hit) {
        return hit == LimitHit.TOPIC_LENGTH ? "longer than " + maxLength + " bytes" : "more than " + maxLevels + " levels";
    }
}
