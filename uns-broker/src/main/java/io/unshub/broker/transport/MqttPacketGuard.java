package io.unshub.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Frames the inbound byte stream into whole MQTT packets and rejects what netty-codec-mqtt accepts but
 * the specification forbids: reserved flag bits, ill-formed UTF-8 and U+0000 in strings, unknown,
 * misplaced or duplicated properties, invalid property values, wildcards in PUBLISH topics, packet id 0,
 * packets before CONNECT, a second CONNECT, and packets above the maximum packet size (checked from the
 * fixed header, before the body is buffered). Valid frames go on to {@code MqttDecoder} as retained slices.
 *
 * <p>One instance per channel; all state is touched only by the channel's event loop.
 */
public final class MqttPacketGuard extends ByteToMessageDecoder {

    private static final int CONNECT = 1;
    private static final int PUBLISH = 3;
    private static final int PUBACK = 4;
    private static final int PUBREC = 5;
    private static final int PUBREL = 6;
    private static final int PUBCOMP = 7;
    private static final int SUBSCRIBE = 8;
    private static final int UNSUBSCRIBE = 10;
    private static final int PINGREQ = 12;
    private static final int DISCONNECT = 14;
    private static final int AUTH = 15;

    /** Properties (by identifier) allowed per client-to-server packet kind; bit i = property id i. */
    private static final long CONNECT_PROPS = bits(0x11, 0x21, 0x27, 0x22, 0x19, 0x17, 0x26, 0x15, 0x16);
    private static final long WILL_PROPS = bits(0x18, 0x01, 0x02, 0x03, 0x08, 0x09, 0x26);
    private static final long PUBLISH_PROPS = bits(0x01, 0x02, 0x23, 0x08, 0x09, 0x26, 0x03);
    private static final long ACK_PROPS = bits(0x1F, 0x26);
    private static final long SUBSCRIBE_PROPS = bits(0x0B, 0x26);
    private static final long UNSUBSCRIBE_PROPS = bits(0x26);
    private static final long DISCONNECT_PROPS = bits(0x11, 0x1F, 0x26, 0x1C);
    private static final long AUTH_PROPS = bits(0x15, 0x16, 0x1F, 0x26);

    private final int maxPacketSize;
    private int protocolLevel;
    /**
     * The level byte of the CONNECT as sent, even when unsupported, so a refusal can use the client's CONNACK
     * format; {@link ProtocolViolation#UNKNOWN_LEVEL} when the CONNECT is too short to say.
     */
    private int announcedLevel = ProtocolViolation.UNKNOWN_LEVEL;
    private boolean connectSeen;
    private boolean failed;

    public MqttPacketGuard(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /** The protocol level of the CONNECT (3, 4 or 5), or 0 before it. */
    public int protocolLevel() {
        return protocolLevel;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            int start = in.readerIndex();
            int available = in.readableBytes();
            if (available < 2) {
                return;
            }
            int header = in.getUnsignedByte(start);
            int remaining = 0;
            int multiplier = 1;
            int lengthBytes = 0;
            while (true) {
                if (lengthBytes == 4) {
                    fail(in, out, ReasonCodes.MALFORMED_PACKET, "remaining length longer than 4 bytes");
                    return;
                }
                if (1 + lengthBytes >= available) {
                    return; // wait for the rest of the length
                }
                int digit = in.getUnsignedByte(start + 1 + lengthBytes);
                lengthBytes++;
                remaining += (digit & 0x7F) * multiplier;
                multiplier <<= 7;
                if ((digit & 0x80) == 0) {
                    if (digit == 0 && lengthBytes > 1) {
                        fail(in, out, ReasonCodes.MALFORMED_PACKET, "remaining length not in the fewest bytes [MQTT-1.5.5-1]");
                        return;
                    }
                    break;
                }
            }
            int headerLength = 1 + lengthBytes;
            long packetSize = (long) headerLength + remaining;
            int type = header >>> 4;
            if (!connectSeen && type != CONNECT) {
                failSilently(in, out, "first packet is not CONNECT [MQTT-3.1.0-1]");
                return;
            }
            if (type == CONNECT && !connectSeen) {
                announcedLevel = peekProtocolLevel(in, start + headerLength, Math.min(available - headerLength, remaining));
            }
            if (packetSize > maxPacketSize) {
                fail(in, out, ReasonCodes.PACKET_TOO_LARGE,
                        "packet of " + packetSize + " bytes exceeds the maximum packet size " + maxPacketSize);
                return;
            }
            String flagError = checkFixedHeaderFlags(type, header & 0x0F);
            if (flagError != null) {
                fail(in, out, ReasonCodes.MALFORMED_PACKET, flagError);
                return;
            }
            if (available < packetSize) {
                return; // wait for the whole packet
            }
            int bodyStart = start + headerLength;
            int bodyEnd = bodyStart + remaining;
            Violation violation;
            if (type == CONNECT) {
                if (connectSeen) {
                    fail(in, out, ReasonCodes.PROTOCOL_ERROR, "second CONNECT [MQTT-3.1.0-2]");
                    return;
                }
                violation = checkConnect(in, bodyStart, bodyEnd);
                connectSeen = true;
            } else {
                violation = checkPacket(type, header, in, bodyStart, bodyEnd);
            }
            if (violation != null) {
                fail(in, out, violation.code, violation.detail);
                return;
            }
            out.add(in.retainedSlice(start, (int) packetSize));
            in.readerIndex(start + (int) packetSize);
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void fail(ByteBuf in, List<Object> out, int code, String detail) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(new ProtocolViolation(code, detail, false, announcedLevel));
    }

    /** The protocol level byte of a CONNECT whose body starts at {@code at}, or UNKNOWN_LEVEL if not readable. */
    private static int peekProtocolLevel(ByteBuf in, int at, int readable) {
        if (readable < 2) {
            return ProtocolViolation.UNKNOWN_LEVEL;
        }
        int nameLength = in.getUnsignedShort(at);
        return readable > 2 + nameLength ? in.getUnsignedByte(at + 2 + nameLength) : ProtocolViolation.UNKNOWN_LEVEL;
    }

    private void failSilently(ByteBuf in, List<Object> out, String detail) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(new ProtocolViolation(ReasonCodes.PROTOCOL_ERROR, detail, true, ProtocolViolation.UNKNOWN_LEVEL));
    }

    private static String checkFixedHeaderFlags(int type, int flags) {
        switch (type) {
            case 0:
                return "packet type 0 is reserved";
            case PUBLISH:
                int qos = (flags >>> 1) & 0x03;
                if (qos == 3) {
                    return "PUBLISH with QoS 3 [MQTT-3.3.1-4]";
                }
                if (qos == 0 && (flags & 0x08) != 0) {
                    return "PUBLISH with QoS 0 and DUP set [MQTT-3.3.1-2]";
                }
                return null;
            case PUBREL:
            case SUBSCRIBE:
            case UNSUBSCRIBE:
                return flags == 0x02 ? null : "reserved flag bits must be 0010 [MQTT-2.1.3-1]";
            default:
                return flags == 0 ? null : "reserved flag bits must be 0000 [MQTT-2.1.3-1]";
        }
    }

    private record Violation(int code, String detail) {
    }

    /** A cursor over one packet body; every read checks bounds so a short body is a malformed packet. */
    private static final class Cursor {
        final ByteBuf buf;
        int pos;
        final int end;

        Cursor(ByteBuf buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean has(int n) {
            return end - pos >= n;
        }
    }

    private Violation checkConnect(ByteBuf in, int from, int to) {
        Cursor c = new Cursor(in, from, to);
        if (!c.has(2)) {
            return malformed("CONNECT too short for the protocol name");
        }
        int nameLength = in.getUnsignedShort(c.pos);
        if (!c.has(2 + nameLength + 4)) {
            return malformed("CONNECT too short");
        }
        boolean mqtt = nameLength == 4 && matchesAscii(in, c.pos + 2, "MQTT");
        boolean mqisdp = nameLength == 6 && matchesAscii(in, c.pos + 2, "MQIsdp");
        c.pos += 2 + nameLength;
        int level = in.getUnsignedByte(c.pos++);
        if (!((mqisdp && level == 3) || (mqtt && (level == 4 || level == 5)))) {
            protocolLevel = 0;
            return new Violation(ReasonCodes.UNSUPPORTED_PROTOCOL_VERSION,
                    "unsupported protocol name/level combination (level " + level + ") [MQTT-3.1.2-1], [MQTT-3.1.2-2]");
        }
        protocolLevel = level;
        int flags = in.getUnsignedByte(c.pos++);
        c.pos += 2; // keep alive
        if ((flags & 0x01) != 0) {
            return malformed("CONNECT reserved flag is set [MQTT-3.1.2-3]");
        }
        boolean will = (flags & 0x04) != 0;
        int willQos = (flags >>> 3) & 0x03;
        boolean willRetain = (flags & 0x20) != 0;
        boolean password = (flags & 0x40) != 0;
        boolean username = (flags & 0x80) != 0;
        if (willQos == 3) {
            return malformed("will QoS 3 [MQTT-3.1.2-12]");
        }
        if (!will && (willQos != 0 || willRetain)) {
            return malformed("will QoS or retain set without the will flag [MQTT-3.1.2-11], [MQTT-3.1.2-13]");
        }
        if (level < 5 && password && !username) {
            return malformed("password flag without user name flag [MQTT-3.1.2-22]");
        }
        Violation v;
        if (level == 5 && (v = checkProperties(c, CONNECT_PROPS, "CONNECT")) != null) {
            return v;
        }
        if ((v = checkString(c, "client identifier")) != null) {
            return v;
        }
        if (will) {
            if (level == 5 && (v = checkProperties(c, WILL_PROPS, "will")) != null) {
                return v;
            }
            if ((v = checkString(c, "will topic")) != null) {
                return v;
            }
            if ((v = checkBinary(c, "will payload")) != null) {
                return v;
            }
        }
        if (username && (v = checkString(c, "user name")) != null) {
            return v;
        }
        if (password && (v = checkBinary(c, "password")) != null) {
            return v;
        }
        if (c.pos != c.end) {
            return malformed("CONNECT has " + (c.end - c.pos) + " bytes after its payload");
        }
        return null;
    }

    private Violation checkPacket(int type, int header, ByteBuf in, int from, int to) {
        Cursor c = new Cursor(in, from, to);
        boolean v5 = protocolLevel == 5;
        Violation v;
        switch (type) {
            case PUBLISH: {
                int qos = (header >>> 1) & 0x03;
                if (!c.has(2)) {
                    return malformed("PUBLISH too short for its topic");
                }
                int topicStart = c.pos + 2;
                if ((v = checkString(c, "topic name")) != null) {
                    return v;
                }
                for (int i = topicStart; i < c.pos; i++) {
                    byte b = in.getByte(i);
                    if (b == '+' || b == '#') {
                        return new Violation(ReasonCodes.TOPIC_NAME_INVALID, "wildcard in a PUBLISH topic [MQTT-3.3.2-2]");
                    }
                }
                if (qos > 0) {
                    if (!c.has(2)) {
                        return malformed("PUBLISH too short for its packet identifier");
                    }
                    if (in.getUnsignedShort(c.pos) == 0) {
                        return new Violation(ReasonCodes.PROTOCOL_ERROR, "packet identifier 0 [MQTT-2.2.1-3]");
                    }
                    c.pos += 2;
                }
                if (v5 && (v = checkProperties(c, PUBLISH_PROPS, "PUBLISH")) != null) {
                    return v;
                }
                if (!v5 && topicStart == c.pos - (qos > 0 ? 2 : 0)) {
                    return new Violation(ReasonCodes.PROTOCOL_ERROR, "empty topic name [MQTT-4.7.3-1]");
                }
                return null; // the payload is opaque bytes
            }
            case PUBACK:
            case PUBREC:
            case PUBREL:
            case PUBCOMP: {
                if (!c.has(2)) {
                    return malformed("acknowledgement without a packet identifier");
                }
                if (in.getUnsignedShort(c.pos) == 0) {
                    return new Violation(ReasonCodes.PROTOCOL_ERROR, "packet identifier 0 [MQTT-2.2.1-3]");
                }
                c.pos += 2;
                if (v5 && c.has(1)) {
                    c.pos++; // reason code
                    if (c.has(1) && (v = checkProperties(c, ACK_PROPS, "acknowledgement")) != null) {
                        return v;
                    }
                }
                return trailing(c, "acknowledgement");
            }
            case SUBSCRIBE:
            case UNSUBSCRIBE: {
                boolean subscribe = type == SUBSCRIBE;
                if (!c.has(2)) {
                    return malformed("packet without a packet identifier");
                }
                if (in.getUnsignedShort(c.pos) == 0) {
                    return new Violation(ReasonCodes.PROTOCOL_ERROR, "packet identifier 0 [MQTT-2.2.1-3]");
                }
                c.pos += 2;
                if (v5 && (v = checkProperties(c, subscribe ? SUBSCRIBE_PROPS : UNSUBSCRIBE_PROPS,
                        subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE")) != null) {
                    return v;
                }
                if (!c.has(1)) {
                    return new Violation(ReasonCodes.PROTOCOL_ERROR,
                            "no topic filter [MQTT-3.8.3-2], [MQTT-3.10.3-2]");
                }
                while (c.has(1)) {
                    if ((v = checkString(c, "topic filter")) != null) {
                        return v;
                    }
                    if (subscribe) {
                        if (!c.has(1)) {
                            return malformed("topic filter without subscription options");
                        }
                        int options = in.getUnsignedByte(c.pos++);
                        int reservedMask = v5 ? 0xC0 : 0xFC;
                        if ((options & reservedMask) != 0 || (options & 0x03) == 3 || (v5 && ((options >>> 4) & 0x03) == 3)) {
                            return malformed("reserved bits in subscription options [MQTT-3.8.3-5]");
                        }
                    }
                }
                return null;
            }
            case PINGREQ:
                return trailing(c, "PINGREQ");
            case DISCONNECT:
                if (v5 && c.has(1)) {
                    c.pos++;
                    if (c.has(1) && (v = checkProperties(c, DISCONNECT_PROPS, "DISCONNECT")) != null) {
                        return v;
                    }
                }
                return trailing(c, "DISCONNECT");
            case AUTH:
                if (!v5) {
                    return malformed("AUTH before MQTT 5");
                }
                if (c.has(1)) {
                    c.pos++;
                    if (c.has(1) && (v = checkProperties(c, AUTH_PROPS, "AUTH")) != null) {
                        return v;
                    }
                }
                return trailing(c, "AUTH");
            default:
                return new Violation(ReasonCodes.PROTOCOL_ERROR,
                        "packet type " + type + " is not sent by clients");
        }
    }

    private static Violation trailing(Cursor c, String what) {
        return c.pos == c.end ? null : malformed(what + " has unexpected trailing bytes");
    }

    private static Violation checkProperties(Cursor c, long allowed, String where) {
        int length = readVarInt(c);
        if (length < 0 || !c.has(length)) {
            return malformed("bad property length in " + where);
        }
        int end = c.pos + length;
        long seen = 0;
        ByteBuf in = c.buf;
        Cursor p = new Cursor(in, c.pos, end);
        while (p.has(1)) {
            int id = readVarInt(p);
            if (id < 0 || id > 63 || (allowed & (1L << id)) == 0) {
                if (id == 0x0B && allowed == PUBLISH_PROPS) {
                    return new Violation(ReasonCodes.PROTOCOL_ERROR, "subscription identifier in a client PUBLISH [MQTT-3.3.4-6]");
                }
                return malformed("property 0x" + Integer.toHexString(id) + " is unknown or not allowed in " + where);
            }
            if (id != 0x26) {
                if ((seen & (1L << id)) != 0) {
                    return new Violation(ReasonCodes.PROTOCOL_ERROR,
                            "property 0x" + Integer.toHexString(id) + " appears twice in " + where);
                }
                seen |= 1L << id;
            }
            Violation v;
            switch (id) {
                case 0x01, 0x17, 0x19 -> {
                    if (!p.has(1)) {
                        return malformed("truncated property in " + where);
                    }
                    int value = in.getUnsignedByte(p.pos++);
                    if (value > 1) {
                        return new Violation(ReasonCodes.PROTOCOL_ERROR,
                                "property 0x" + Integer.toHexString(id) + " must be 0 or 1");
                    }
                }
                case 0x21, 0x22, 0x23 -> {
                    if (!p.has(2)) {
                        return malformed("truncated property in " + where);
                    }
                    int value = in.getUnsignedShort(p.pos);
                    p.pos += 2;
                    if (value == 0 && id == 0x21) {
                        return new Violation(ReasonCodes.PROTOCOL_ERROR, "receive maximum 0 (MQTT 5 section 3.1.2.11.3)");
                    }
                    if (value == 0 && id == 0x23) {
                        return new Violation(ReasonCodes.TOPIC_ALIAS_INVALID, "topic alias 0 [MQTT-3.3.2-8]");
                    }
                }
                case 0x02, 0x11, 0x18, 0x27 -> {
                    if (!p.has(4)) {
                        return malformed("truncated property in " + where);
                    }
                    long value = in.getUnsignedInt(p.pos);
                    p.pos += 4;
                    if (value == 0 && id == 0x27) {
                        return new Violation(ReasonCodes.PROTOCOL_ERROR, "maximum packet size 0");
                    }
                }
                case 0x0B -> {
                    int value = readVarInt(p);
                    if (value < 0) {
                        return malformed("bad subscription identifier in " + where);
                    }
                    if (value == 0) {
                        return new Violation(ReasonCodes.PROTOCOL_ERROR, "subscription identifier 0 (MQTT 5 section 3.8.2.1.2)");
                    }
                }
                case 0x03, 0x08, 0x15, 0x1F, 0x1C -> {
                    if ((v = checkString(p, "property string")) != null) {
                        return v;
                    }
                }
                case 0x09, 0x16 -> {
                    if ((v = checkBinary(p, "property binary")) != null) {
                        return v;
                    }
                }
                case 0x26 -> {
                    if ((v = checkString(p, "user property name")) != null) {
                        return v;
                    }
                    if ((v = checkString(p, "user property value")) != null) {
                        return v;
                    }
                }
                default -> {
                    return malformed("property 0x" + Integer.toHexString(id) + " not allowed in " + where);
                }
            }
        }
        if (p.pos != end) {
            return malformed("property overruns its length in " + where);
        }
        c.pos = end;
        return null;
    }

    private static Violation checkBinary(Cursor c, String what) {
        if (!c.has(2)) {
            return malformed(what + " truncated");
        }
        int length = c.buf.getUnsignedShort(c.pos);
        if (!c.has(2 + length)) {
            return malformed(what + " truncated");
        }
        c.pos += 2 + length;
        return null;
    }

    /** A length-prefixed UTF-8 string: well-formed per RFC 3629 and free of U+0000 [MQTT-1.5.4-1], [MQTT-1.5.4-2]. */
    private static Violation checkString(Cursor c, String what) {
        if (!c.has(2)) {
            return malformed(what + " truncated");
        }
        int length = c.buf.getUnsignedShort(c.pos);
        if (!c.has(2 + length)) {
            return malformed(what + " truncated");
        }
        int i = c.pos + 2;
        int end = i + length;
        c.pos = end;
        String problem = Utf8.check(c.buf, i, end);
        return problem == null ? null : malformed(what + ": " + problem);
    }

    private static int readVarInt(Cursor c) {
        int value = 0;
        int multiplier = 1;
        for (int i = 0; i < 4; i++) {
            if (!c.has(1)) {
                return -1;
            }
            int digit = c.buf.getUnsignedByte(c.pos++);
            value += (digit & 0x7F) * multiplier;
            if ((digit & 0x80) == 0) {
                return digit == 0 && i > 0 ? -1 : value; // not in the fewest bytes [MQTT-1.5.5-1]
            }
            multiplier <<= 7;
        }
        return -1;
    }

    private static boolean matchesAscii(ByteBuf in, int at, String expected) {
        for (int i = 0; i < expected.length(); i++) {
            if (in.getByte(at + i) != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static Violation malformed(String detail) {
        return new Violation(ReasonCodes.MALFORMED_PACKET, detail);
    }

    private static long bits(int... ids) {
        long mask = 0;
        for (int id : ids) {
            mask |= 1L << id;
        }
        return mask;
    }
}
