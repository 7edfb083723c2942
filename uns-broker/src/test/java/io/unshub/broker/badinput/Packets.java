package io.unshub.broker.badinput;

import io.unshub.broker.testing.RawMqttClient;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static io.unshub.broker.testing.RawMqttClient.packet;
import static io.unshub.broker.testing.RawMqttClient.string;

/**
 * Byte builders for client-to-server MQTT packets, valid by default, so a test can break exactly one thing.
 * {@code level} is the protocol level (4 = 3.1.1, 5 = 5.0); MQTT 5 packets get a property block, {@code null}
 * properties meaning an empty one.
 */
final class Packets {

    static final int CONNECT = 0x10;
    static final int PUBLISH = 0x30;
    static final int PUBACK = 0x40;
    static final int PUBREC = 0x50;
    static final int PUBREL = 0x62;
    static final int PUBCOMP = 0x70;
    static final int SUBSCRIBE = 0x82;
    static final int UNSUBSCRIBE = 0xA2;
    static final int PINGREQ = 0xC0;
    static final int DISCONNECT = 0xE0;
    static final int AUTH = 0xF0;

    /** MQTT 5 property identifiers. */
    static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
    static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
    static final int CONTENT_TYPE = 0x03;
    static final int RESPONSE_TOPIC = 0x08;
    static final int CORRELATION_DATA = 0x09;
    static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
    static final int SESSION_EXPIRY_INTERVAL = 0x11;
    static final int AUTHENTICATION_METHOD = 0x15;
    static final int REQUEST_PROBLEM_INFORMATION = 0x17;
    static final int REASON_STRING = 0x1F;
    static final int RECEIVE_MAXIMUM = 0x21;
    static final int TOPIC_ALIAS_MAXIMUM = 0x22;
    static final int TOPIC_ALIAS = 0x23;
    static final int USER_PROPERTY = 0x26;
    static final int MAXIMUM_PACKET_SIZE = 0x27;

    private Packets() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] varInt(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RawMqttClient.writeVarInt(out, value);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ MQTT 5 properties

    /** A property block: the length as a variable byte integer, then the properties. */
    static byte[] props(byte[]... properties) {
        byte[] body = concat(properties);
        return concat(varInt(body.length), body);
    }

    static byte[] byteProp(int id, int value) {
        return bytes(id, value);
    }

    static byte[] twoByteProp(int id, int value) {
        return bytes(id, value >>> 8, value);
    }

    static byte[] fourByteProp(int id, long value) {
        return bytes(id, (int) (value >>> 24), (int) (value >>> 16), (int) (value >>> 8), (int) value);
    }

    static byte[] varIntProp(int id, int value) {
        return concat(bytes(id), varInt(value));
    }

    static byte[] stringProp(int id, byte[] utf8) {
        return concat(bytes(id), string(utf8));
    }

    static byte[] userProp(byte[] name, byte[] value) {
        return concat(bytes(USER_PROPERTY), string(name), string(value));
    }

    // ------------------------------------------------------------------ packets

    /** A clean-start CONNECT with keep alive 60 and nothing else. */
    static byte[] connect(int level, String clientId) {
        return connect(level, 0x02, null, string(clientId));
    }

    /**
     * A CONNECT with the protocol name that belongs to {@code level} ("MQIsdp" for 3, else "MQTT").
     *
     * @param payload the payload fields, already encoded (client id, will properties/topic/payload, ...)
     */
    static byte[] connect(int level, int flags, byte[] properties, byte[]... payload) {
        return connect(level == 3 ? "MQIsdp" : "MQTT", level, flags, properties, payload);
    }

    static byte[] connect(String protocolName, int level, int flags, byte[] properties, byte[]... payload) {
        byte[] props = level == 5 ? (properties == null ? props() : properties) : new byte[0];
        return packet(CONNECT, concat(string(protocolName), bytes(level, flags, 0, 60), props, concat(payload)));
    }

    static byte[] publish(int level, int qos, String topic, int packetId, byte[] properties, byte[] payload) {
        return publish(PUBLISH | qos << 1, level, utf8(topic), packetId, properties, payload);
    }

    /** A PUBLISH with any first byte; the packet identifier is written when the header's QoS bits are not 0. */
    static byte[] publish(int header, int level, byte[] topic, int packetId, byte[] properties, byte[] payload) {
        int qos = (header >>> 1) & 0x03;
        return packet(header, concat(string(topic), qos > 0 ? bytes(packetId >>> 8, packetId) : new byte[0],
                level == 5 ? (properties == null ? props() : properties) : new byte[0], payload));
    }

    static byte[] subscribe(int level, int packetId, byte[] properties, byte[] filter, int options) {
        return subscribe(SUBSCRIBE, level, packetId, properties, filter, options);
    }

    static byte[] subscribe(int header, int level, int packetId, byte[] properties, byte[] filter, int options) {
        return packet(header, concat(bytes(packetId >>> 8, packetId),
                level == 5 ? (properties == null ? props() : properties) : new byte[0], string(filter), bytes(options)));
    }

    static byte[] unsubscribe(int level, int packetId, byte[] filter) {
        return unsubscribe(UNSUBSCRIBE, level, packetId, filter);
    }

    static byte[] unsubscribe(int header, int level, int packetId, byte[] filter) {
        return packet(header, concat(bytes(packetId >>> 8, packetId), level == 5 ? props() : new byte[0],
                string(filter)));
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP (by first byte) with just a packet identifier. */
    static byte[] ack(int header, int packetId) {
        return packet(header, bytes(packetId >>> 8, packetId));
    }

    static byte[] pingReq() {
        return bytes(PINGREQ, 0);
    }

    static byte[] disconnect() {
        return bytes(DISCONNECT, 0);
    }

    /** The topic name of a PUBLISH body as the broker sent it. */
    static String topicOf(RawMqttClient.Packet publish) {
        byte[] body = publish.body();
        int length = (body[0] & 0xFF) << 8 | (body[1] & 0xFF);
        return new String(body, 2, length, StandardCharsets.UTF_8);
    }

    /** Hex for failure messages. */
    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            if (!s.isEmpty()) {
                s.append(' ');
            }
            s.append(String.format("%02X", b & 0xFF));
        }
        return s.toString();
    }
}
