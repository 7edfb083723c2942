package io.unshub.core.message;

import java.util.Objects;

/**
 * An application message on the bus. Immutable by contract: the payload was copied once out of the
 * network buffer and nobody writes to it afterwards, so it can be shared by every subscriber, the
 * retained store and the historian without reference counting.
 *
 * @param topic            the topic name (never a filter, never an alias)
 * @param payload          the payload bytes; treat as read-only
 * @param qos              0, 1 or 2 as published
 * @param retain           the publisher's retain flag
 * @param properties       MQTT 5 message properties ({@link MessageProperties#NONE} when there are none)
 * @param origin           who published it
 * @param receivedAtMillis wall-clock receive time, for history and $SYS
 * @param receivedAtNanos  {@link System#nanoTime()} at receive, for message expiry arithmetic
 */
public record UnsMessage(
        String topic,
        byte[] payload,
        int qos,
        boolean retain,
        MessageProperties properties,
        Origin origin,
        long receivedAtMillis,
        long receivedAtNanos) {

    private static final byte[] EMPTY = new byte[0];

    public UnsMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(origin, "origin");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos);
        }
        payload = payload == null ? EMPTY : payload;
        properties = properties == null ? MessageProperties.NONE : properties;
    }

    /** A message stamped with the current time, for in-process publishers. */
    public static UnsMessage of(String topic, byte[] payload, int qos, boolean retain,
                                MessageProperties properties, Origin origin) {
        return new UnsMessage(topic, payload, qos, retain, properties, origin,
                System.currentTimeMillis(), System.nanoTime());
    }

    /**
     * Seconds left of the message expiry interval at {@code nowNanos}, rounded down; {@link
     * MessageProperties#NO_EXPIRY} when the message does not expire, 0 or less when it has expired.
     */
    public long remainingExpirySeconds(long nowNanos) {
        if (!properties.expires()) {
            return MessageProperties.NO_EXPIRY;
        }
        long elapsedSeconds = (nowNanos - receivedAtNanos) / 1_000_000_000L;
        return properties.messageExpirySeconds() - elapsedSeconds;
    }

    public boolean isExpired(long nowNanos) {
        return properties.expires() && remainingExpirySeconds(nowNanos) <= 0;
    }

    /** This message with another retain flag, e.g. for delivery without retain-as-published. */
    public UnsMessage withRetain(boolean newRetain) {
        return newRetain == retain ? this
                : new UnsMessage(topic, payload, qos, newRetain, properties, origin, receivedAtMillis, receivedAtNanos);
    }
}
