package io.unshub.historian.query;

import io.unshub.core.message.MessageProperties;

/**
 * One message of the raw log, as it entered the bus.
 *
 * @param sequence         monotonic sequence number assigned at ingest (survives restarts)
 * @param receivedAtMillis the bus's receive time
 * @param topic            the original topic
 * @param payload          the payload bytes; treat as read-only
 * @param qos              the QoS it was published with
 * @param retain           the publisher's retain flag
 * @param properties       its MQTT 5 properties
 * @param publisher        the publishing client id or internal component name
 */
public record HistoryRecord(long sequence, long receivedAtMillis, String topic, byte[] payload, int qos,
                            boolean retain, MessageProperties properties, String publisher) {
}
