package io.unshub.broker.persistence;

import java.util.Arrays;

/**
 * Key layouts. A client key is the client id's byte length (varint) followed by its bytes (WTF-8):
 * length-prefixed, so no client's key is a prefix of another's ("ab" and "abc" never share a range).
 * Numbers in keys are big-endian and non-negative, so RocksDB's bytewise order is numeric order.
 */
final class Keys {

    private Keys() {
    }

    static byte[] client(String clientId) {
        BinaryWriter out = new BinaryWriter(clientId.length() + 2);
        out.writeString(clientId);
        return out.toByteArray();
    }

    static byte[] queued(String clientId, long sequence) {
        BinaryWriter out = new BinaryWriter(clientId.length() + 10);
        out.writeString(clientId);
        out.writeLongBE(sequence);
        return out.toByteArray();
    }

    static byte[] packet(String clientId, int packetId) {
        BinaryWriter out = new BinaryWriter(clientId.length() + 4);
        out.writeString(clientId);
        out.writeShortBE(packetId);
        return out.toByteArray();
    }

    static byte[] subscription(String clientId, String filter) {
        BinaryWriter out = new BinaryWriter(clientId.length() + filter.length() + 2);
        out.writeString(clientId);
        out.writeStringTail(filter);
        return out.toByteArray();
    }

    static byte[] topic(String topic) {
        BinaryWriter out = new BinaryWriter(topic.length());
        out.writeStringTail(topic);
        return out.toByteArray();
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}: the end (exclusive) of the
     * prefix's range. A client key never ends in 0xFF (WTF-8 has no 0xFF byte, a varint length ends
     * below 0x80), but the carry is handled anyway.
     */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        throw new IllegalArgumentException("no key follows a prefix of only 0xFF bytes");
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
