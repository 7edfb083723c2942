package io.unshub.core.bus;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How an in-process component subscribes to the bus.
 *
 * @param name          who subscribes, for metrics and logs (e.g. "historian")
 * @param filter        an MQTT topic filter; '$' topics only match filters that name them
 * @param queueCapacity the bound of the subscriber's queue
 * @param overflow      what happens when the queue is full
 * @param executor      where the handler runs; messages are handed to it in order, one at a time
 */
public record SubscriberSpec(String name, String filter, int queueCapacity, OverflowPolicy overflow, Executor executor) {
    public SubscriberSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(executor, "executor");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be positive, was " + queueCapacity);
        }
    }
}
