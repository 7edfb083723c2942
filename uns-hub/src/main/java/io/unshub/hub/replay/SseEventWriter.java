package io.unshub.hub.replay;

import io.unshub.historian.query.HistoryRecord;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Formats replay Server-Sent Events straight into bytes, many per chunk: {@code id: <sequence>} and
 * {@code data: <JSON>} (the shape {@link ReplayEvent} documents), the JSON written by hand with its escaping, so
 * that a replay at speed 0 costs neither a serializer call nor a network write per event.
 *
 * <p>Not thread-safe: owned by the replay's current worker (one at a time, see {@link SseStream}).
 */
final class SseEventWriter {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = ascii("id: ");
    private static final byte[] SEQUENCE = ascii("\ndata: {\"sequence\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp_ms\":");
    private static final byte[] TOPIC = ascii(",\"topic\":");
    private static final byte[] QOS = ascii(",\"qos\":");
    private static final byte[] RETAIN_TRUE = ascii(",\"retain\":true,\"publisher\":");
    private static final byte[] RETAIN_FALSE = ascii(",\"retain\":false,\"publisher\":");
    private static final byte[] PAYLOAD = ascii(",\"payload\":");
    private static final byte[] UTF8_END = ascii(",\"encoding\":\"utf-8\"}\n\n");
    private static final byte[] BASE64_END = ascii(",\"encoding\":\"base64\"}\n\n");
    private static final byte[] NULL = ascii("null");

    private byte[] buf;
    private int len;

    SseEventWriter(int capacity) {
        buf = new byte[capacity];
    }

    /** Bytes written since the last {@link #take()}. */
    int size() {
        return len;
    }

    /**
     * The bytes written so far, in an array that is no longer this writer's (the network layer may hold it until
     * it is sent), with their length; the writer starts a fresh array of the same capacity.
     */
    byte[] take() {
        byte[] out = buf;
        buf = new byte[out.length];
        len = 0;
        return out;
    }

    /** One replayed message as one event. */
    void record(HistoryRecord record) {
        byte[] payload = record.payload();
        // Worst case: every payload byte escaped as a six-byte unicode escape or base64 (4/3), plus the rest.
        ensure(payload.length * 6 + 256);
        put(ID);
        putLong(record.sequence());
        put(SEQUENCE);
        putLong(record.sequence());
        put(TIMESTAMP);
        putLong(record.receivedAtMillis());
        put(TOPIC);
        string(record.topic());
        put(QOS);
        putLong(record.qos());
        put(record.retain() ? RETAIN_TRUE : RETAIN_FALSE);
        string(record.publisher());
        put(PAYLOAD);
        int start = len;
        if (utf8String(payload)) {
            put(UTF8_END);
        } else {
            len = start; // not valid UTF-8: the same field as base64 instead
            buf[len++] = '"';
            put(Base64.getEncoder().encode(payload));
            buf[len++] = '"';
            put(BASE64_END);
        }
    }

    /** Raw event text (e.g. the end event), which must already be in SSE form. */
    void raw(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ensure(bytes.length);
        put(bytes);
    }

    private void put(byte[] bytes) {
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void putLong(long value) {
        if (value < 0) {
            put(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (value == 0) {
            buf[len++] = '0';
            return;
        }
        int digits = 0;
        for (long v = value; v != 0; v /= 10) {
            digits++;
        }
        int end = len + digits;
        for (int i = end - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        len = end;
    }

    /** A JSON string (or null) from Java text, UTF-8 encoded. */
    private void string(String text) {
        if (text == null) {
            put(NULL);
            return;
        }
        ensure(text.length() * 6 + 2);
        buf[len++] = '"';
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                ascii(c);
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | c >> 6);
                buf[len++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                buf[len++] = (byte) (0xF0 | cp >> 18);
                buf[len++] = (byte) (0x80 | cp >> 12 & 0x3F);
                buf[len++] = (byte) (0x80 | cp >> 6 & 0x3F);
                buf[len++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                escape(c); // a lone surrogate has no UTF-8 form; a JSON unicode escape keeps it
            } else {
                buf[len++] = (byte) (0xE0 | c >> 12);
                buf[len++] = (byte) (0x80 | c >> 6 & 0x3F);
                buf[len++] = (byte) (0x80 | c & 0x3F);
            }
        }
        buf[len++] = '"';
    }

    /**
     * The payload as a JSON string when it is valid UTF-8 (the same rule as Java's strict decoder: no overlong
     * forms, no surrogates, nothing above U+10FFFF); false, with garbage written, otherwise.
     */
    private boolean utf8String(byte[] bytes) {
        buf[len++] = '"';
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) {
                ascii((char) b);
                i++;
                continue;
            }
            int b0 = b & 0xFF;
            int count;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                count = 2;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                count = 3;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                count = 4;
            } else {
                return false;
            }
            if (i + count > n) {
                return false;
            }
            int b1 = bytes[i + 1] & 0xFF;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 == 0xE0) {
                lo = 0xA0;
            } else if (b0 == 0xED) {
                hi = 0x9F; // surrogates
            } else if (b0 == 0xF0) {
                lo = 0x90;
            } else if (b0 == 0xF4) {
                hi = 0x8F;
            }
            if (b1 < lo || b1 > hi) {
                return false;
            }
            for (int k = 2; k < count; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            System.arraycopy(bytes, i, buf, len, count);
            len += count;
            i += count;
        }
        buf[len++] = '"';
        return true;
    }

    private void ascii(char c) {
        if (c >= 0x20 && c != '"' && c != '\\') {
            buf[len++] = (byte) c;
            return;
        }
        switch (c) {
            case '"' -> twoChar('"');
            case '\\' -> twoChar('\\');
            case '\n' -> twoChar('n');
            case '\r' -> twoChar('r');
            case '\t' -> twoChar('t');
            case '\b' -> twoChar('b');
            case '\f' -> twoChar('f');
            default -> escape(c);
        }
    }

    private void twoChar(char c) {
        buf[len++] = '\\';
        buf[len++] = (byte) c;
    }

    private void escape(char c) {
        buf[len++] = '\\';
        buf[len++] = 'u';
        buf[len++] = HEX[c >> 12 & 0xF];
        buf[len++] = HEX[c >> 8 & 0xF];
        buf[len++] = HEX[c >> 4 & 0xF];
        buf[len++] = HEX[c & 0xF];
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
