package io.unshub.sparkplug.aware;

import io.unshub.sparkplug.codec.PayloadTimestamp.Stamp;

/**
 * The last few NDEATH payloads one thread prepared for stamping, keyed by the payload array's identity: the broker
 * hands every subscriber of one message the same array, so a message fanned out to N subscribers on this event
 * loop is analysed once instead of N times. Identity, not equality, because payload arrays are never modified
 * and an identity check costs nothing per delivery; a payload that was refused is remembered as {@link #REFUSED}
 * so a bad one is not analysed again either. Holds strong references to at most {@link #SIZE} payloads (each
 * below {@link AwareDelivery}'s size cap) until newer NDEATHs push them out.
 *
 * <p>Not thread-safe: each instance is owned by one thread (a {@link ThreadLocal} in {@link AwareDelivery}).
 */
final class StampCache {

    /** What {@link #get} returns for a payload that was prepared and refused. */
    static final Object REFUSED = new Object();

    private static final int SIZE = 4;

    private final byte[][] payloads = new byte[SIZE][];
    private final Object[] stamps = new Object[SIZE];
    private int next;

    /** The {@link Stamp} or {@link #REFUSED} remembered for this very array, or null. */
    Object get(byte[] payload) {
        for (int i = 0; i < SIZE; i++) {
            if (payloads[i] == payload) {
                return stamps[i];
            }
        }
        return null;
    }

    /** Remembers {@code stamp} (a {@link Stamp}, or null for refused) for {@code payload}, replacing the oldest. */
    void put(byte[] payload, Stamp stamp) {
        payloads[next] = payload;
        stamps[next] = stamp == null ? REFUSED : stamp;
        next = (next + 1) % SIZE;
    }
}
