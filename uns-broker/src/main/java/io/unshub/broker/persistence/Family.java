package io.unshub.broker.persistence;

import java.nio.charset.StandardCharsets;

/**
 * The store's column families, one per kind of record. Keys of the per-client families start with
 * the client key ({@link Keys#client}), so one client's records are one contiguous range: removed with
 * one range delete and read with one prefix scan.
 */
enum Family {
    /** topic -> message. */
    RETAINED("retained"),
    /** client key -> expiry interval, disconnect time. */
    SESSIONS("sessions"),
    /** client key + filter -> subscription options. */
    SUBSCRIPTIONS("subscriptions"),
    /** client key + sequence (8 bytes big-endian) -> queued message. */
    QUEUE("queue"),
    /** client key + packet id (2 bytes big-endian) -> in-flight message or PUBREC state. */
    INFLIGHT("inflight"),
    /** client key + packet id (2 bytes big-endian) -> nothing: inbound QoS 2 awaiting PUBREL. */
    PUBREL("pubrel"),
    /** client key -> pending delayed will. */
    WILLS("wills");

    /** The families holding records keyed by client; a removed session loses its range in each. */
    static final Family[] PER_SESSION = {SESSIONS, SUBSCRIPTIONS, QUEUE, INFLIGHT, PUBREL};

    final byte[] columnFamilyName;

    Family(String name) {
        this.columnFamilyName = name.getBytes(StandardCharsets.US_ASCII);
    }
}
