package io.unshub.broker.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's counters. Written from every event loop with {@link LongAdder}s (no contention on the
 * hot path), read by $SYS, REST and the hub's Prometheus binding.
 */
public final class BrokerMetrics {

    /** Why a message did not reach a subscriber. */
    public enum DropReason {
        /** The session's queue was full (offline session or in-flight window exhausted). */
        QUEUE_FULL,
        /** A QoS 0 message for a connection whose write buffer was full. */
        SLOW_CONSUMER,
        /** The message expiry interval passed before delivery. */
        EXPIRED,
        /** Larger than the maximum packet size the client announced. */
        TOO_LARGE_FOR_CLIENT,
        /** A QoS 0 message for an offline session (not queued by configuration). */
        OFFLINE_QOS0,
        /** An in-process subscriber's queue overflowed. */
        INTERNAL_OVERFLOW
    }

    /** A configured client limit ({@code ClientLimits}) that refused a connection, a message or a subscription. */
    public enum LimitHit {
        /** A new connection beyond the open connections allowed in total (closed before any MQTT). */
        MAX_CONNECTIONS,
        /** A new connection beyond the open connections allowed from one IP address. */
        MAX_CONNECTIONS_PER_ADDRESS,
        /** A new connection beyond the connections per second allowed from one IP address. */
        CONNECT_RATE,
        /** A PUBLISH beyond the client's publishes per second. */
        PUBLISH_RATE,
        /** A PUBLISH beyond the client's payload bytes per second. */
        PUBLISH_BYTES,
        /** A subscription beyond the subscriptions one session may hold. */
        SUBSCRIPTIONS,
        /** A topic name or filter with more levels than allowed. */
        TOPIC_LEVELS,
        /** A topic name or filter longer than allowed. */
        TOPIC_LENGTH
    }

    private final long startedAtMillis = System.currentTimeMillis();
    private final LongAdder authenticationsRefused = new LongAdder();
    private final LongAdder connectionsTotal = new LongAdder();
    private final LongAdder connectionsCurrent = new LongAdder();
    private final LongAdder[] messagesInByQos = adders(3);
    private final LongAdder[] messagesOutByQos = adders(3);
    private final LongAdder[] payloadBytesInByQos = adders(3);
    private final LongAdder[] payloadBytesOutByQos = adders(3);
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder publishesRejected = new LongAdder();
    private final LongAdder[] drops = adders(DropReason.values().length);
    private final AtomicLongArray rejectedPacketsByReason = new AtomicLongArray(256);
    private final LongAdder[] limitHits = adders(LimitHit.values().length);

    private static LongAdder[] adders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    public void connectionOpened() {
        connectionsTotal.increment();
        connectionsCurrent.increment();
    }

    public void connectionClosed() {
        connectionsCurrent.decrement();
    }

    /** A PUBLISH received from a client. */
    public void messageIn(int qos, int payloadBytes) {
        messagesInByQos[qos].increment();
        payloadBytesInByQos[qos].add(payloadBytes);
    }

    /** A PUBLISH sent to a client. */
    public void messageOut(int qos, int payloadBytes) {
        messagesOutByQos[qos].increment();
        payloadBytesOutByQos[qos].add(payloadBytes);
    }

    public void bytesIn(int n) {
        bytesIn.add(n);
    }

    public void bytesOut(int n) {
        bytesOut.add(n);
    }

    public void authenticationRefused() {
        authenticationsRefused.increment();
    }

    /** CONNECTs refused by the authenticator since start. */
    public long authenticationsRefused() {
        return authenticationsRefused.sum();
    }

    public void publishRejected() {
        publishesRejected.increment();
    }

    public void dropped(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    /** A connection closed because of a bad or illegal packet, by MQTT 5 reason code. */
    public void packetRejected(int reasonCode) {
        rejectedPacketsByReason.incrementAndGet(reasonCode & 0xFF);
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    public long connectionsTotal() {
        return connectionsTotal.sum();
    }

    public long connectionsCurrent() {
        return connectionsCurrent.sum();
    }

    public long messagesIn(int qos) {
        return messagesInByQos[qos].sum();
    }

    public long messagesOut(int qos) {
        return messagesOutByQos[qos].sum();
    }

    public long payloadBytesIn(int qos) {
        return payloadBytesInByQos[qos].sum();
    }

    public long payloadBytesOut(int qos) {
        return payloadBytesOutByQos[qos].sum();
    }

    public long messagesIn() {
        return messagesIn(0) + messagesIn(1) + messagesIn(2);
    }

    public long messagesOut() {
        return messagesOut(0) + messagesOut(1) + messagesOut(2);
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long publishesRejected() {
        return publishesRejected.sum();
    }

    public long droppedCount(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }

    public long droppedTotal() {
        long total = 0;
        for (LongAdder adder : drops) {
            total += adder.sum();
        }
        return total;
    }

    public long packetsRejected(int reasonCode) {
        return rejectedPacketsByReason.get(reasonCode & 0xFF);
    }

    /** Something refused by a configured client limit. */
    public void limitHit(LimitHit limit) {
        limitHits[limit.ordinal()].increment();
    }

    public long limitHits(LimitHit limit) {
        return limitHits[limit.ordinal()].sum();
    }

    // TLS listeners: kept together so the edit stays in one place.
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final LongAdder tlsReloadFailures = new LongAdder();

    /** A TLS handshake that failed (protocol, client certificate, plain MQTT on a TLS port, timeout, hang-up). */
    public void tlsHandshakeFailed() {
        tlsHandshakeFailures.increment();
    }

    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }

    /** Changed TLS PEM files that could not be loaded (the previous certificate stays in use). */
    public void tlsReloadFailed() {
        tlsReloadFailures.increment();
    }

    public long tlsReloadFailures() {
        return tlsReloadFailures.sum();
    }
}
