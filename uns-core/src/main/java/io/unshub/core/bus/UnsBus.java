package io.unshub.core.bus;

import io.unshub.core.message.UnsMessage;

/**
 * The single funnel of the hub. Network PUBLISHes, will messages and every in-process publisher
 * (Sparkplug projection, OPC UA values, $SYS) enter through {@link #publish}, so the same rules,
 * retained semantics, metrics and capture apply to all of them. The broker's router implements it.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #publish} never blocks and never throws for runtime conditions; it returns a
 *       {@link PublishOutcome}. It may be called from any thread.</li>
 *   <li>A retained message with an empty payload clears the retained message of its topic and is
 *       still delivered to current subscribers.</li>
 *   <li>In-process subscribers get a bounded queue each, drained in order on the executor they
 *       chose, with the overflow policy they chose; a slow subscriber never slows the funnel.</li>
 *   <li>In-process subscribers receive messages at the QoS they were published with; they see
 *       retained messages only as they are published (no retained replay on subscribe).</li>
 * </ul>
 */
public interface UnsBus {

    PublishOutcome publish(UnsMessage message);

    /**
     * Subscribes an in-process component.
     *
     * @throws IllegalArgumentException if the filter is not a valid MQTT topic filter
     */
    BusSubscription subscribe(SubscriberSpec spec, MessageHandler handler);
}
