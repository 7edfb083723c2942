package io.unshub.namespace.live;

import io.unshub.core.message.UnsMessage;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The live state of one UNS topic: its last message and how many were published. Updated inline on
 * publisher threads (last writer wins); read by the REST API.
 */
public final class TopicValue {

    private static final AtomicLongFieldUpdater<TopicValue> COUNT =
            AtomicLongFieldUpdater.newUpdater(TopicValue.class, "count");

    private final String topic;
    private volatile UnsMessage last;
    private volatile long count;

    /** Created with its first message, so nobody ever sees a topic without a value. */
    TopicValue(UnsMessage first) {
        this.topic = first.topic();
        this.last = first;
        this.count = 1;
    }

    void update(UnsMessage message) {
        last = message;
        COUNT.incrementAndGet(this);
    }

    public String topic() {
        return topic;
    }

    /** The last accepted message (keeps its payload, properties, publisher and receive time). */
    public UnsMessage last() {
        return last;
    }

    public long messageCount() {
        return count;
    }
}
