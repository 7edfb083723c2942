package io.unshub.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Strict UTF-8 checks for MQTT strings and for payloads declared as UTF-8 (payload format indicator 1). */
public final class Utf8 {

    private Utf8() {
    }

    /** Returns {@code null} if bytes [from, to) are an MQTT string: well-formed UTF-8 without U+0000. */
    public static String check(ByteBuf buf, int from, int to) {
        return check(buf, from, to, false);
    }

    /** Whether a payload is well-formed UTF-8 (U+0000 is allowed in payloads). */
    public static boolean isWellFormed(byte[] bytes) {
        return check(Unpooled.wrappedBuffer(bytes), 0, bytes.length, true) == null;
    }

    private static String check(ByteBuf buf, int from, int to, boolean allowNul) {
        int i = from;
        while (i < to) {
            int b = buf.getByte(i) & 0xFF;
            if (b < 0x80) {
                if (b == 0 && !allowNul) {
                    return "contains U+0000";
                }
                i++;
                continue;
            }
            int continuation;
            int min;
            int cp;
            if ((b & 0xE0) == 0xC0) {
                continuation = 1;
                min = 0x80;
                cp = b & 0x1F;
            } else if ((b & 0xF0) == 0xE0) {
                continuation = 2;
                min = 0x800;
                cp = b & 0x0F;
            } else if ((b & 0xF8) == 0xF0) {
                continuation = 3;
                min = 0x10000;
                cp = b & 0x07;
            } else {
                return "ill-formed UTF-8";
            }
            if (i + continuation >= to) {
                return "truncated UTF-8 sequence";
            }
            for (int k = 1; k <= continuation; k++) {
                int next = buf.getByte(i + k) & 0xFF;
                if ((next & 0xC0) != 0x80) {
                    return "ill-formed UTF-8";
                }
                cp = (cp << 6) | (next & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return "ill-formed UTF-8 (overlong, surrogate or out of range)";
            }
            i += continuation + 1;
        }
        return null;
    }
}
