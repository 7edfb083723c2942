package io.unshub.broker.badinput;

import io.unshub.broker.badinput.Scenario.Case;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.unshub.broker.badinput.Packets.CONNECT;
import static io.unshub.broker.badinput.Packets.PUBLISH;
import static io.unshub.broker.badinput.Packets.connect;
import static io.unshub.broker.badinput.Packets.props;
import static io.unshub.broker.badinput.Packets.publish;
import static io.unshub.broker.badinput.Packets.subscribe;
import static io.unshub.broker.badinput.Packets.userProp;
import static io.unshub.broker.badinput.Packets.utf8;
import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static io.unshub.broker.testing.RawMqttClient.string;
import static io.unshub.broker.transport.ReasonCodes.PACKET_TOO_LARGE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5 section 3.2.2.3.6, Maximum Packet Size: the client must not send a packet larger than the server announced
 * in CONNACK [MQTT-3.2.2-15]; one that does is answered with DISCONNECT 0x95, an oversize CONNECT with CONNACK 0x95
 * (section 4.13). MQTT 3.1.1 has no maximum and no code for it: the connection is closed, a CONNECT without CONNACK
 * [MQTT-3.2.2-6] (3.1.1). The broker here accepts packets of at most {@value #MAX} bytes.
 */
@ExtendWith(NoLeaks.class)
@DisplayName("§3.2.2.3.6 maximum packet size [MQTT-3.2.2-15]: DISCONNECT/CONNACK 0x95")
class MaximumPacketSizeIT {

    static final int MAX = 128;

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture().configure(c -> c.withLimits(MAX, c.receiveMaximum(),
            c.topicAliasMaximum(), c.maxQueuedMessages(), c.maxKeepAliveSeconds()));

    /** A QoS 0 PUBLISH of exactly {@code size} bytes on the wire. */
    static byte[] publishOfSize(int level, String topic, int size) {
        byte[] empty = publish(level, 0, topic, 0, null, new byte[0]);
        byte[] packet = publish(level, 0, topic, 0, null, new byte[size - empty.length]);
        if (packet.length != size) { // the remaining length took a second byte
            packet = publish(level, 0, topic, 0, null, new byte[size - empty.length - 1]);
        }
        assertThat(packet).hasSize(size);
        return packet;
    }

    /** A CONNECT of exactly {@code size} bytes, padded with a user property (5) or a long client id (4). */
    static byte[] connectOfSize(int level, int size) {
        for (int pad = 0; pad < size; pad++) {
            byte[] packet = level == 5
                    ? connect(5, 0x02, props(userProp(utf8("p"), utf8("v".repeat(pad)))), string("big"))
                    : connect(4, 0x02, null, string("c".repeat(pad + 1)));
            if (packet.length == size) {
                return packet;
            }
        }
        throw new IllegalArgumentException("no CONNECT of " + size + " bytes");
    }

    static Stream<Case> oversizeAfterConnect() {
        byte[] bigSubscribe = subscribe(5, 1, null, utf8("s/" + "x".repeat(MAX)), 0);
        return Stream.of(
                new Case("PUBLISH of " + (MAX + 1) + " bytes", 5, publishOfSize(5, "big", MAX + 1),
                        Verdict.disconnect(PACKET_TOO_LARGE)),
                new Case("PUBLISH of " + (MAX + 1) + " bytes", 4, publishOfSize(4, "big", MAX + 1),
                        Verdict.closedWithoutResponse()),
                new Case("SUBSCRIBE of " + bigSubscribe.length + " bytes", 5, bigSubscribe,
                        Verdict.disconnect(PACKET_TOO_LARGE)),
                // Refused from the fixed header alone: the broker does not wait for (or buffer) 100 MB.
                new Case("PUBLISH announcing 100 MB, body never sent", 5,
                        concat(bytes(PUBLISH), Packets.varInt(100_000_000), string("t")),
                        Verdict.disconnect(PACKET_TOO_LARGE)),
                new Case("PUBLISH announcing the largest remaining length (268,435,455)", 5,
                        bytes(PUBLISH, 0xFF, 0xFF, 0xFF, 0x7F), Verdict.disconnect(PACKET_TOO_LARGE)));
    }

    static Stream<Case> oversizeConnect() {
        return Stream.of(
                new Case("CONNECT of " + (MAX + 1) + " bytes", 5, connectOfSize(5, MAX + 1),
                        Verdict.connack(PACKET_TOO_LARGE)),
                new Case("CONNECT of " + (MAX + 1) + " bytes", 4, connectOfSize(4, MAX + 1),
                        Verdict.closedWithoutResponse()),
                // Only the protocol name and level arrive: enough to know which CONNACK to answer with.
                new Case("CONNECT announcing 100 MB, only its first 7 body bytes sent", 5,
                        concat(bytes(CONNECT), Packets.varInt(100_000_000), string("MQTT"), bytes(5)),
                        Verdict.connack(PACKET_TOO_LARGE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizeAfterConnect")
    @DisplayName("[MQTT-3.2.2-15] packet above the maximum after CONNECT: DISCONNECT 0x95 (3.1.1: closed)")
    void oversizePacket(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizeConnect")
    @DisplayName("§4.13 CONNECT above the maximum: CONNACK 0x95 (3.1.1: closed without CONNACK)")
    void oversizeConnect(Case c) throws Exception {
        new Scenario(fixture).firstBytes(c);
    }

    @Test
    @DisplayName("control: a PUBLISH of exactly the maximum is delivered, and CONNACK announces the maximum")
    void packetOfExactlyTheMaximumIsAccepted() throws Exception {
        try (RawMqttClient client = new RawMqttClient(fixture.port())) {
            client.send(connect(5, "probe"));
            RawMqttClient.Packet connAck = client.read();
            assertThat(connAck).isNotNull();
            assertThat(connAck.reasonCode()).isZero();
            // Maximum Packet Size (0x27) as a four byte integer in the CONNACK properties.
            assertThat(Packets.hex(connAck.body())).contains("27 00 00 00 " + String.format("%02X", MAX));
        }
        new Scenario(fixture).accepted(5, List.of(publishOfSize(5, "max", MAX)), 0, List.of("max"));
        new Scenario(fixture).accepted(4, List.of(publishOfSize(4, "max", MAX)), 0, List.of("max"));
    }

    @Test
    @DisplayName("control: a CONNECT of exactly the maximum is accepted")
    void connectOfExactlyTheMaximumIsAccepted() throws Exception {
        try (RawMqttClient client = new RawMqttClient(fixture.port())) {
            client.send(connectOfSize(5, MAX));
            RawMqttClient.Packet connAck = client.read();
            assertThat(connAck).isNotNull();
            assertThat(connAck.type()).isEqualTo(2);
            assertThat(connAck.reasonCode()).isZero();
        }
    }
}
