package io.unshub.broker.routing;

import io.unshub.core.message.UnsMessage;
import io.unshub.core.topic.TopicMatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last retained message per topic. Written by the publish funnel from any thread, read on
 * subscribe and by REST. A lookup by wildcard filter scans all retained topics; a UNS keeps tens of
 * thousands of retained values, which this scans in milliseconds, and subscribes are rare.
 */
public final class RetainedStore {

    private final ConcurrentHashMap<String, UnsMessage> byTopic = new ConcurrentHashMap<>();

    /** Stores a retained message, or clears the topic when the payload is empty [MQTT-3.3.1-6], [MQTT-3.3.1-7]. */
    public void apply(UnsMessage message) {
        if (message.payload().length == 0) {
            byTopic.remove(message.topic());
        } else {
            byTopic.put(message.topic(), message);
        }
    }

    /** Retained messages matching a (non-shared) filter, dropping those whose expiry has passed. */
    public List<UnsMessage> matching(String filter) {
        long now = System.nanoTime();
        List<UnsMessage> result = new ArrayList<>();
        if (filter.indexOf('+') < 0 && filter.indexOf('#') < 0) {
            UnsMessage message = byTopic.get(filter);
            if (message != null) {
                addUnlessExpired(message, now, result);
            }
            return result;
        }
        for (UnsMessage message : byTopic.values()) {
            if (TopicMatcher.matches(filter, message.topic())) {
                addUnlessExpired(message, now, result);
            }
        }
        return result;
    }

    private void addUnlessExpired(UnsMessage message, long now, List<UnsMessage> result) {
        if (message.isExpired(now)) {
            byTopic.remove(message.topic(), message);
        } else {
            result.add(message);
        }
    }

    public UnsMessage get(String topic) {
        return byTopic.get(topic);
    }

    public int size() {
        return byTopic.size();
    }
}
