package io.unshub.broker.persistence;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link BinaryWriter} wrote. Every malformed or truncated input ends in a {@link
 * StoreFormatException}, never in an index or arithmetic exception. Not thread-safe.
 */
final class BinaryReader {

    private final byte[] buf;
    private int pos;
    private final int end;

    BinaryReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    BinaryReader(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    void expectEnd(String what) {
        if (pos != end) {
            throw new StoreFormatException(what + ": " + (end - pos) + " unexpected trailing bytes");
        }
    }

    int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    long readVarLong() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new StoreFormatException("varint longer than 10 bytes");
    }

    /** A varint that must fit a non-negative int (lengths, counts). */
    int readVarIntLength() {
        long value = readVarLong();
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new StoreFormatException("length out of range: " + value);
        }
        return (int) value;
    }

    long readZigZag() {
        long raw = readVarLong();
        return (raw >>> 1) ^ -(raw & 1);
    }

    int readShortBE() {
        need(2);
        int value = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return value;
    }

    long readLongBE() {
        need(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (buf[pos++] & 0xFF);
        }
        return value;
    }

    byte[] readLengthPrefixed() {
        int length = readVarIntLength();
        need(length);
        byte[] bytes = Arrays.copyOfRange(buf, pos, pos + length);
        pos += length;
        return bytes;
    }

    String readString() {
        int length = readVarIntLength();
        return readWtf8(length);
    }

    /** The rest of the input as a string (the tail of a key). */
    String readStringTail() {
        return readWtf8(end - pos);
    }

    private String readWtf8(int length) {
        need(length);
        int start = pos;
        int stop = pos + length;
        boolean ascii = true;
        for (int i = start; i < stop; i++) {
            if (buf[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            pos = stop;
            return new String(buf, start, length, StandardCharsets.ISO_8859_1);
        }
        StringBuilder sb = new StringBuilder(length);
        while (pos < stop) {
            int b0 = buf[pos++] & 0xFF;
            if (b0 < 0x80) {
                sb.append((char) b0);
            } else if ((b0 & 0xE0) == 0xC0) {
                sb.append((char) (((b0 & 0x1F) << 6) | continuation(stop)));
            } else if ((b0 & 0xF0) == 0xE0) {
                int c = ((b0 & 0x0F) << 12) | (continuation(stop) << 6);
                sb.append((char) (c | continuation(stop)));
            } else if ((b0 & 0xF8) == 0xF0) {
                int cp = ((b0 & 0x07) << 18) | (continuation(stop) << 12);
                cp |= continuation(stop) << 6;
                cp |= continuation(stop);
                if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
                    throw new StoreFormatException("invalid code point in string");
                }
                sb.appendCodePoint(cp);
            } else {
                throw new StoreFormatException("invalid lead byte in string: " + b0);
            }
        }
        return sb.toString();
    }

    private int continuation(int stop) {
        if (pos >= stop) {
            throw new StoreFormatException("truncated character in string");
        }
        int b = buf[pos++] & 0xFF;
        if ((b & 0xC0) != 0x80) {
            throw new StoreFormatException("invalid continuation byte in string");
        }
        return b & 0x3F;
    }

    private void need(int n) {
        if (n < 0 || n > end - pos) {
            throw new StoreFormatException("truncated record: needed " + n + " bytes, " + (end - pos) + " left");
        }
    }
}
