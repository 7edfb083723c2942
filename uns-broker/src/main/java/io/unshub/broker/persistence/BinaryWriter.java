package io.unshub.broker.persistence;

import java.util.Arrays;

/**
 * A growable byte array with the primitives of the store's record formats: LEB128 varints, zig-zag
 * varints for signed values, big-endian fixed-width integers for keys (so that byte order is numeric
 * order) and strings in WTF-8. Not thread-safe; used by one thread while it builds one record.
 *
 * <p>Strings are written as WTF-8: UTF-8, except that a surrogate that is not part of a pair is
 * written as its own three-byte sequence instead of being replaced. Every Java string round-trips,
 * including ones an in-process publisher built from broken UTF-16 (network strings are already
 * well-formed [MQTT-1.5.4-1]), and distinct strings always give distinct keys.
 */
final class BinaryWriter {

    private byte[] buf;
    private int pos;

    BinaryWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    int size() {
        return pos;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    void writeRaw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    /** Length (varint) then the bytes. */
    void writeLengthPrefixed(byte[] bytes) {
        writeVarLong(bytes.length);
        writeRaw(bytes);
    }

    /** Unsigned LEB128: 7 bits per byte, low group first; 1 byte below 128, at most 10. */
    void writeVarLong(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[pos++] = (byte) value;
    }

    /** Signed values with small magnitude (either sign) in few bytes. */
    void writeZigZag(long value) {
        writeVarLong((value << 1) ^ (value >> 63));
    }

    void writeShortBE(int value) {
        ensure(2);
        buf[pos++] = (byte) (value >>> 8);
        buf[pos++] = (byte) value;
    }

    void writeLongBE(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[pos++] = (byte) (value >>> shift);
        }
    }

    /** Length in bytes (varint) then the WTF-8 bytes. */
    void writeString(String s) {
        int length = wtf8Length(s);
        writeVarLong(length);
        writeWtf8(s, length);
    }

    /** The WTF-8 bytes without a length, for the tail of a key. */
    void writeStringTail(String s) {
        writeWtf8(s, wtf8Length(s));
    }

    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exactly right for ASCII, and a bulk copy
    private void writeWtf8(String s, int length) {
        ensure(length);
        int n = s.length();
        if (length == n) { // all ASCII: the low byte of each char is its encoding (profiled: the char loop was ~8% of durable CPU)
            s.getBytes(0, n, buf, pos);
            pos += n;
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[pos++] = (byte) c;
            } else if (c < 0x800) {
                buf[pos++] = (byte) (0xC0 | (c >>> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[pos++] = (byte) (0xF0 | (cp >>> 18));
                buf[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                buf[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else { // a BMP character, or a surrogate on its own
                buf[pos++] = (byte) (0xE0 | (c >>> 12));
                buf[pos++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    static int wtf8Length(String s) {
        int n = s.length();
        int length = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    length += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    length += 2; // 4 bytes for 2 chars
                    i++;
                } else {
                    length += 2;
                }
            }
        }
        return length;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            long wanted = Math.max((long) buf.length * 2, (long) pos + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("record too large: " + wanted + " bytes");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }
}
