package io.unshub.opcua.conversion;

import java.util.Arrays;

/**
 * A reusable, growable UTF-8 JSON output buffer. Numbers, booleans and escaped strings are written straight
 * into the byte array, so encoding a value allocates only the final payload copy. Not thread-safe: each
 * encoder owns one.
 */
public final class JsonBuffer {

    private static final byte[] HEX = "0123456789abcdef".getBytes();
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes();

    private byte[] bytes = new byte[256];
    private int size;

    public JsonBuffer reset() {
        size = 0;
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toBytes() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    public JsonBuffer raw(char c) {
        ensure(1);
        bytes[size++] = (byte) c;
        return this;
    }

    /** Appends ASCII text as is (keys, literals, syntax). */
    public JsonBuffer raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    /** Appends {@code "key":}. */
    public JsonBuffer key(String asciiKey) {
        ensure(asciiKey.length() + 3);
        bytes[size++] = '"';
        raw(asciiKey);
        bytes[size++] = '"';
        bytes[size++] = ':';
        return this;
    }

    public JsonBuffer nul() {
        return raw("null");
    }

    public JsonBuffer bool(boolean value) {
        return raw(value ? "true" : "false");
    }

    public JsonBuffer number(long value) {
        if (value == Long.MIN_VALUE) {
            ensure(LONG_MIN.length);
            System.arraycopy(LONG_MIN, 0, bytes, size, LONG_MIN.length);
            size += LONG_MIN.length;
            return this;
        }
        ensure(20);
        if (value < 0) {
            bytes[size++] = '-';
            value = -value;
        }
        return digits(value);
    }

    /** The 64 bits of {@code value} read as an unsigned number (OPC UA UInt64). */
    public JsonBuffer unsigned(long value) {
        if (value >= 0) {
            return number(value);
        }
        // Above Long.MAX_VALUE: split off the last digit so the rest fits a signed long.
        long quotient = (value >>> 1) / 5;
        long digit = value - quotient * 10;
        ensure(20);
        digits(quotient);
        bytes[size++] = (byte) ('0' + digit);
        return this;
    }

    private JsonBuffer digits(long value) {
        int start = size;
        do {
            bytes[size++] = (byte) ('0' + (value % 10));
            value /= 10;
        } while (value != 0);
        for (int i = start, j = size - 1; i < j; i++, j--) {
            byte t = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = t;
        }
        return this;
    }

    /** A finite double as JSON number; NaN and the infinities, which JSON lacks, as the strings Java names them. */
    public JsonBuffer number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return string(Double.toString(value));
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            number((long) value);
            return raw(".0");
        }
        return raw(Double.toString(value));
    }

    public JsonBuffer number(float value) {
        if (Float.isNaN(value) || Float.isInfinite(value)) {
            return string(Float.toString(value));
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e7f) {
            number((long) value);
            return raw(".0");
        }
        // Float.toString keeps the shortest decimal that reads back as the same float (42.1 not 42.099998).
        return raw(Float.toString(value));
    }

    /** {@code "0x%08x"} of the low 32 bits, as OPC UA status codes are written. */
    public JsonBuffer hex32(long value) {
        ensure(12);
        bytes[size++] = '"';
        bytes[size++] = '0';
        bytes[size++] = 'x';
        for (int shift = 28; shift >= 0; shift -= 4) {
            bytes[size++] = HEX[(int) (value >>> shift) & 0xf];
        }
        bytes[size++] = '"';
        return this;
    }

    /** A JSON string: quotes, escapes and UTF-8. */
    public JsonBuffer string(CharSequence s) {
        int n = s.length();
        ensure(n + 2);
        bytes[size++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ensure(1);
                bytes[size++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                ensure(2);
                bytes[size++] = '\\';
                bytes[size++] = (byte) c;
            } else if (c == '\n' || c == '\r' || c == '\t') {
                ensure(2);
                bytes[size++] = '\\';
                bytes[size++] = (byte) (c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
            } else if (c < 0x20) {
                ensure(6);
                bytes[size++] = '\\';
                bytes[size++] = 'u';
                bytes[size++] = '0';
                bytes[size++] = '0';
                bytes[size++] = HEX[c >> 4];
                bytes[size++] = HEX[c & 0xf];
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                bytes[size++] = (byte) (0xf0 | (cp >> 18));
                bytes[size++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                bytes[size++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                ensure(3);
                bytes[size++] = (byte) 0xef; // U+FFFD for a lone surrogate
                bytes[size++] = (byte) 0xbf;
                bytes[size++] = (byte) 0xbd;
            } else if (c < 0x800) {
                ensure(2);
                bytes[size++] = (byte) (0xc0 | (c >> 6));
                bytes[size++] = (byte) (0x80 | (c & 0x3f));
            } else {
                ensure(3);
                bytes[size++] = (byte) (0xe0 | (c >> 12));
                bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                bytes[size++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        ensure(1);
        bytes[size++] = '"';
        return this;
    }
}
