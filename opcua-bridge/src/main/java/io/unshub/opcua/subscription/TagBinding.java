package io.unshub.opcua.subscription;

import io.unshub.opcua.config.ItemSettings;

/**
 * One tag of a connection: the node it reads and the topic it is published on, with the last value seen
 * (so a lost connection can publish it as {@code bad}) and the reason its monitored item failed, if it did.
 * Fields are written by the connection's subscription delivery and worker threads and read by REST.
 *
 * @param nodeId the node in parseable form ({@code nsu=...;s=...})
 * @param topic  the full UNS topic
 */
public final class TagBinding {

    private final String nodeId;
    private final String topic;
    private final String unit;
    private final ItemSettings item;
    private volatile Object lastValue;
    private volatile boolean everReceived;
    private volatile String failure;

    public TagBinding(String nodeId, String topic, String unit, ItemSettings item) {
        this.nodeId = nodeId;
        this.topic = topic;
        this.unit = unit;
        this.item = item;
    }

    public String nodeId() {
        return nodeId;
    }

    public String topic() {
        return topic;
    }

    public String unit() {
        return unit;
    }

    public ItemSettings item() {
        return item;
    }

    public Object lastValue() {
        return lastValue;
    }

    public boolean everReceived() {
        return everReceived;
    }

    public void received(Object value) {
        lastValue = value;
        everReceived = true;
    }

    /** Why the monitored item could not be created ({@code null} when it works). */
    public String failure() {
        return failure;
    }

    public void failure(String reason) {
        failure = reason;
    }
}
