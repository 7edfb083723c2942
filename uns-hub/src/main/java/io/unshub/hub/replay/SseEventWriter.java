package io.unshub.hub.replay;

import io.unshub.historian.query.HistoryRecord;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Formats replay Server-Sent Events straight into bytes, many per chunk: {@code id: <sequence>} and
 * {@code data: <JSON>} (the shape {@link ReplayEvent} documents), the JSON written by hand with its escaping, so
 * that a replay at speed 0 costs neither a serializer call nor a network write per event. Topic and publisher
 * names repeat from event to event, so their encoded JSON form is kept in a small cache.
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

    /** Per ASCII character: 0 when it is written as is, else the character after a backslash ('u': \\u00XX). */
    private static final byte[] ASCII_ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ASCII_ESCAPES[c] = 'u';
        }
        ASCII_ESCAPES['"'] = '"';
        ASCII_ESCAPES['\\'] = '\\';
        ASCII_ESCAPES['\n'] = 'n';
        ASCII_ESCAPES['\r'] = 'r';
        ASCII_ESCAPES['\t'] = 't';
        ASCII_ESCAPES['\b'] = 'b';
        ASCII_ESCAPES['\f'] = 'f';
    }

    private static final int NAME_CACHE_SIZE = 256; // a power of two

    private final String[] cachedNames = new String[NAME_CACHE_SIZE];
    private final byte[][] cachedJson = new byte[NAME_CACHE_SIZE][];

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
        int sequenceStart = len;
        putLong(record.sequence());
        int sequenceLength = len - sequenceStart;
        put(SEQUENCE);
        System.arraycopy(buf, sequenceStart, buf, len, sequenceLength);
        len += sequenceLength;
        put(TIMESTAMP);
        putLong(record.receivedAtMillis());
        put(TOPIC);
        name(record.topic());
        put(QOS);
        putLong(record.qos());
        put(record.retain() ? RETAIN_TRUE : RETAIN_FALSE);
        name(record.publisher());
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

    /** {@link #string} through the cache of recently written names. */
    private void name(String text) {
        if (text == null) {
            put(NULL);
            return;
        }
        int slot = text.hashCode() & (NAME_CACHE_SIZE - 1);
        String cached = cachedNames[slot];
        byte[] json;
        if (cached == text || text.equals(cached)) {
            json = cachedJson[slot];
        } else {
            int start = len;
            string(text);
            json = Arrays.copyOfRange(buf, start, len);
            len = start;
            cachedJson[slot] = json;
        }
        cachedNames[slot] = text; // the newest instance, so the next row of the same query hits on identity
        ensure(json.length);
        put(json);
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
        // Locals rather than fields in this loop: it runs once per payload byte.
        byte[] out = buf;
        int pos = len;
        out[pos++] = '"';
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) {
                byte escape = ASCII_ESCAPES[b];
                if (escape == 0) {
                    out[pos++] = (byte) b;
                } else {
                    out[pos++] = '\\';
                    if (escape == 'u') {
                        out[pos++] = 'u';
                        out[pos++] = '0';
                        out[pos++] = '0';
                        out[pos++] = HEX[b >> 4];
                        out[pos++] = HEX[b & 0xF];
                    } else {
                        out[pos++] = escape;
                    }
                }
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
            System.arraycopy(bytes, i, out, pos, count);
            pos += count;
            i += count;
        }
        out[pos++] = '"';
        len = pos;
        return true;
    }

    private void ascii(char c) {
        byte escape = ASCII_ESCAPES[c];
        if (escape == 0) {
            buf[len++] = (byte) c;
        } else if (escape == 'u') {
            escape(c);
        } else {
            twoChar((char) escape);
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
