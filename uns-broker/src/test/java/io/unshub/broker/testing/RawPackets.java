package io.unshub.broker.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static io.unshub.broker.testing.RawMqttClient.string;

/**
 * Builds well-formed MQTT packets byte by byte and decodes the broker's packets, for the conformance cases
 * the real clients cannot express (withholding acknowledgements, checking DUP and session-present bits,
 * topic aliases on the wire). Complements {@link RawMqttClient}, which sends and reads them.
 */
public final class RawPackets {

    public static final int CONNACK = 2;
    public static final int PUBLISH = 3;
    public static final int PUBACK = 4;
    public static final int PUBREC = 5;
    public static final int PUBREL = 6;
    public static final int PUBCOMP = 7;
    public static final int SUBACK = 9;
    public static final int UNSUBACK = 11;
    public static final int PINGRESP = 13;
    public static final int DISCONNECT = 14;

    // MQTT 5 property identifiers used by the tests.
    public static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
    public static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
    public static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
    public static final int SESSION_EXPIRY_INTERVAL = 0x11;
    public static final int SERVER_KEEP_ALIVE = 0x13;
    public static final int REASON_STRING = 0x1F;
    public static final int RECEIVE_MAXIMUM = 0x21;
    public static final int TOPIC_ALIAS_MAXIMUM = 0x22;
    public static final int TOPIC_ALIAS = 0x23;
    public static final int MAXIMUM_PACKET_SIZE = 0x27;

    private RawPackets() {
    }

    // ------------------------------------------------------------------ properties

    /** A property with a one-byte value. */
    public static byte[] byteProperty(int id, int value) {
        return bytes(id, value);
    }

    /** A property with a two-byte integer value (receive maximum, topic alias, ...). */
    public static byte[] shortProperty(int id, int value) {
        return bytes(id, value >>> 8, value);
    }

    /** A property with a four-byte integer value (session expiry, message expiry, maximum packet size). */
    public static byte[] intProperty(int id, long value) {
        return bytes(id, (int) (value >>> 24), (int) (value >>> 16), (int) (value >>> 8), (int) value);
    }

    /** A property with a variable byte integer value (subscription identifier). */
    public static byte[] varIntProperty(int id, int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id);
        RawMqttClient.writeVarInt(out, value);
        return out.toByteArray();
    }

    /** The property block: length followed by the properties. */
    public static byte[] properties(byte[]... properties) {
        byte[] all = concat(properties);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RawMqttClient.writeVarInt(out, all.length);
        out.writeBytes(all);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ client packets

    /** A whole CONNECT packet for protocol level 4 or 5 (properties only for 5; null = none). */
    public static byte[] connect(int level, String clientId, boolean cleanStart, int keepAliveSeconds,
                                 byte[] properties) {
        byte[] body = concat(string("MQTT"), bytes(level, cleanStart ? 0x02 : 0x00, keepAliveSeconds >>> 8,
                keepAliveSeconds), level == 5 ? (properties == null ? bytes(0) : properties) : new byte[0],
                string(clientId));
        return RawMqttClient.packet(0x10, body);
    }

    /** A whole PUBLISH packet; {@code properties} only for level 5 (null = none). */
    public static byte[] publish(int level, String topic, int qos, boolean retain, boolean dup, int packetId,
                                 byte[] properties, byte[] payload) {
        int header = 0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0);
        byte[] id = qos > 0 ? bytes(packetId >>> 8, packetId) : new byte[0];
        byte[] props = level == 5 ? (properties == null ? bytes(0) : properties) : new byte[0];
        return RawMqttClient.packet(header, concat(string(topic), id, props, payload));
    }

    /** A whole SUBSCRIBE packet with one (filter, options) pair per entry; options carry the QoS in bits 0-1. */
    public static byte[] subscribe(int level, int packetId, byte[] properties, Object... filtersAndOptions) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(bytes(packetId >>> 8, packetId));
        if (level == 5) {
            parts.add(properties == null ? bytes(0) : properties);
        }
        for (int i = 0; i < filtersAndOptions.length; i += 2) {
            parts.add(string((String) filtersAndOptions[i]));
            parts.add(bytes((Integer) filtersAndOptions[i + 1]));
        }
        return RawMqttClient.packet(0x82, concat(parts.toArray(new byte[0][])));
    }

    /** PUBACK (4), PUBREC (5), PUBREL (6) or PUBCOMP (7) with just a packet identifier. */
    public static byte[] ack(int type, int packetId) {
        return RawMqttClient.packet((type << 4) | (type == PUBREL ? 0x02 : 0), bytes(packetId >>> 8, packetId));
    }

    public static byte[] pingreq() {
        return bytes(0xC0, 0x00);
    }

    public static byte[] disconnect() {
        return bytes(0xE0, 0x00);
    }

    // ------------------------------------------------------------------ broker packets

    /** A decoded MQTT 5 property: identifier and value (Integer, Long, String or byte[]). */
    public record Property(int id, Object value) {
    }

    /** A decoded CONNACK. */
    public record ConnAck(int flags, int reasonCode, List<Property> properties) {
        public boolean sessionPresent() {
            return (flags & 0x01) != 0;
        }

        public Object property(int id) {
            return properties.stream().filter(p -> p.id() == id).map(Property::value).findFirst().orElse(null);
        }
    }

    /** A decoded PUBLISH. */
    public record Publish(int header, String topic, int packetId, List<Property> properties, byte[] payload) {
        public int qos() {
            return (header >>> 1) & 0x03;
        }

        public boolean dup() {
            return (header & 0x08) != 0;
        }

        public boolean retain() {
            return (header & 0x01) != 0;
        }

        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The first value of a property, or null. */
        public Object property(int id) {
            return properties.stream().filter(p -> p.id() == id).map(Property::value).findFirst().orElse(null);
        }

        public List<Object> all(int id) {
            return properties.stream().filter(p -> p.id() == id).map(Property::value).toList();
        }
    }

    public static ConnAck connAck(RawMqttClient.Packet packet, int level) {
        if (packet.type() != CONNACK) {
            throw new AssertionError("expected CONNACK but got " + packet);
        }
        ByteBuffer in = ByteBuffer.wrap(packet.body());
        int flags = in.get() & 0xFF;
        int code = in.get() & 0xFF;
        List<Property> properties = level == 5 && in.hasRemaining() ? readProperties(in) : List.of();
        return new ConnAck(flags, code, properties);
    }

    public static Publish publish(RawMqttClient.Packet packet, int level) {
        if (packet.type() != PUBLISH) {
            throw new AssertionError("expected PUBLISH but got " + packet);
        }
        ByteBuffer in = ByteBuffer.wrap(packet.body());
        String topic = readString(in);
        int qos = (packet.header() >>> 1) & 0x03;
        int packetId = qos > 0 ? in.getShort() & 0xFFFF : 0;
        List<Property> properties = level == 5 ? readProperties(in) : List.of();
        byte[] payload = new byte[in.remaining()];
        in.get(payload);
        return new Publish(packet.header(), topic, packetId, properties, payload);
    }

    /** The packet identifier of a PUBACK/PUBREC/PUBREL/PUBCOMP/SUBACK/UNSUBACK. */
    public static int packetId(RawMqttClient.Packet packet) {
        return ((packet.body()[0] & 0xFF) << 8) | (packet.body()[1] & 0xFF);
    }

    /** The reason code of an MQTT 5 PUBACK/PUBREC/PUBREL/PUBCOMP (0 when omitted). */
    public static int ackReasonCode(RawMqttClient.Packet packet) {
        return packet.body().length > 2 ? packet.body()[2] & 0xFF : 0;
    }

    /** The per-filter return/reason codes of a SUBACK or MQTT 5 UNSUBACK. */
    public static int[] ackCodes(RawMqttClient.Packet packet, int level) {
        ByteBuffer in = ByteBuffer.wrap(packet.body());
        in.getShort();
        if (level == 5) {
            readProperties(in);
        }
        int[] codes = new int[in.remaining()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = in.get() & 0xFF;
        }
        return codes;
    }

    private static String readString(ByteBuffer in) {
        int length = in.getShort() & 0xFFFF;
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static int readVarInt(ByteBuffer in) {
        int value = 0;
        int multiplier = 1;
        int digit;
        do {
            digit = in.get() & 0xFF;
            value += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0);
        return value;
    }

    private static List<Property> readProperties(ByteBuffer in) {
        int length = readVarInt(in);
        int end = in.position() + length;
        List<Property> properties = new ArrayList<>();
        while (in.position() < end) {
            int id = readVarInt(in);
            Object value = switch (id) {
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> in.get() & 0xFF;
                case 0x13, 0x21, 0x22, 0x23 -> in.getShort() & 0xFFFF;
                case 0x02, 0x11, 0x18, 0x27 -> in.getInt() & 0xFFFF_FFFFL;
                case 0x0B -> readVarInt(in);
                case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> readString(in);
                case 0x09, 0x16 -> {
                    byte[] data = new byte[in.getShort() & 0xFFFF];
                    in.get(data);
                    yield data;
                }
                case 0x26 -> readString(in) + "=" + readString(in);
                default -> throw new AssertionError("unknown property 0x" + Integer.toHexString(id));
            };
            properties.add(new Property(id, value));
        }
        return properties;
    }
}
