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
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.unshub.broker.badinput.Packets.PUBACK;
import static io.unshub.broker.badinput.Packets.connect;
import static io.unshub.broker.badinput.Packets.props;
import static io.unshub.broker.badinput.Packets.publish;
import static io.unshub.broker.badinput.Packets.subscribe;
import static io.unshub.broker.badinput.Packets.utf8;
import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static io.unshub.broker.testing.RawMqttClient.string;
import static io.unshub.broker.transport.ReasonCodes.MALFORMED_PACKET;
import static io.unshub.broker.transport.ReasonCodes.PROTOCOL_ERROR;
import static io.unshub.broker.transport.ReasonCodes.TOPIC_NAME_INVALID;
import static io.unshub.broker.transport.ReasonCodes.UNSUPPORTED_PROTOCOL_VERSION;
import static io.unshub.broker.transport.ReasonCodes.V3_UNACCEPTABLE_PROTOCOL_VERSION;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5 / 3.1.1 section 3.1, CONNECT: it must come first [MQTT-3.1.0-1] and only once [MQTT-3.1.0-2], with a
 * protocol name and level the server supports [MQTT-3.1.2-1] [MQTT-3.1.2-2], and well-formed flags and payload
 * [MQTT-3.1.4-1]. A refused CONNECT is answered (or not) and nothing the client sent after it is processed
 * [MQTT-3.1.4-6] (each case sends a PUBLISH right behind it, which the bystander must not receive).
 */
@ExtendWith(NoLeaks.class)
@DisplayName("§3.1 CONNECT [MQTT-3.1.0-1] [MQTT-3.1.0-2] [MQTT-3.1.2-1] [MQTT-3.1.2-2] [MQTT-3.1.2-3] [MQTT-3.1.4-1]")
class ConnectViolationsIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();

    static Stream<Case> firstPacketNotConnect() {
        Verdict closed = Verdict.closedWithoutResponse();
        return Stream.of(
                new Case("[MQTT-3.1.0-1] PUBLISH before CONNECT", 0, publish(4, 0, "t", 0, null, utf8("x")), closed),
                new Case("[MQTT-3.1.0-1] SUBSCRIBE before CONNECT", 0, subscribe(4, 1, null, utf8("#"), 0), closed),
                new Case("[MQTT-3.1.0-1] PINGREQ before CONNECT", 0, Packets.pingReq(), closed),
                new Case("[MQTT-3.1.0-1] DISCONNECT before CONNECT", 0, Packets.disconnect(), closed),
                new Case("[MQTT-3.1.0-1] PUBACK before CONNECT", 0, Packets.ack(PUBACK, 1), closed),
                new Case("[MQTT-3.1.0-1] AUTH before CONNECT", 0, bytes(0xF0, 0x00), closed),
                new Case("[MQTT-3.1.0-1] reserved packet type 0 before CONNECT", 0, bytes(0x00, 0x00), closed),
                new Case("[MQTT-3.1.0-1] an HTTP request instead of CONNECT", 0,
                        utf8("GET /mqtt HTTP/1.1\r\nHost: x\r\n\r\n"), closed));
    }

    static Stream<Case> protocolNameAndLevel() {
        Verdict v3Refusal = Verdict.connackV3(V3_UNACCEPTABLE_PROTOCOL_VERSION);
        Verdict v5Refusal = Verdict.connack(UNSUPPORTED_PROTOCOL_VERSION);
        return Stream.of(
                new Case("3.1.1 [MQTT-3.1.2-2] \"MQTT\" with level 3 (3.1 is \"MQIsdp\")", 3,
                        connect("MQTT", 3, 0x02, null, string("c")), v3Refusal),
                new Case("3.1.1 [MQTT-3.1.2-2] \"MQTT\" with level 2", 2,
                        connect("MQTT", 2, 0x02, null, string("c")), v3Refusal),
                new Case("3.1.1 [MQTT-3.1.2-2] \"MQTT\" with level 0", 0,
                        connect("MQTT", 0, 0x02, null, string("c")), v3Refusal),
                new Case("[MQTT-3.1.2-1] \"MQIsdp\" with level 4", 4,
                        connect("MQIsdp", 4, 0x02, null, string("c")), v3Refusal),
                new Case("[MQTT-3.1.2-1] \"MQTX\" with level 4", 4,
                        connect("MQTX", 4, 0x02, null, string("c")), v3Refusal),
                new Case("[MQTT-3.1.2-1] empty protocol name with level 4", 4,
                        connect("", 4, 0x02, null, string("c")), v3Refusal),
                new Case("[MQTT-3.1.2-1] \"MQIsdp\" with level 5", 5,
                        connect("MQIsdp", 5, 0x02, null, string("c")), v5Refusal),
                new Case("[MQTT-3.1.2-1] \"mqtt\" (lower case) with level 5", 5,
                        connect("mqtt", 5, 0x02, null, string("c")), v5Refusal),
                new Case("[MQTT-3.1.2-2] \"MQTT\" with level 6", 6,
                        connect("MQTT", 6, 0x02, null, string("c")), v5Refusal),
                new Case("[MQTT-3.1.2-2] \"MQTT\" with level 255", 255,
                        connect("MQTT", 255, 0x02, null, string("c")), v5Refusal));
    }

    static Stream<Case> malformedConnect() {
        List<Case> cases = new ArrayList<>();
        for (int level : new int[] {5, 4}) {
            Verdict malformed = Verdict.onConnect(level, MALFORMED_PACKET);
            byte[] willFields = level == 5 ? concat(props(), string("will/t"), string("w")) : concat(string("will/t"), string("w"));
            cases.add(new Case("[MQTT-3.1.2-3] reserved connect flag set", level,
                    connect(level, 0x03, null, string("c")), malformed));
            cases.add(new Case((level == 5 ? "[MQTT-3.1.2-12]" : "[MQTT-3.1.2-14]") + " will QoS 3", level,
                    connect(level, 0x1E, null, string("c"), willFields), malformed));
            cases.add(new Case("[MQTT-3.1.2-11] will QoS 1 without the will flag", level,
                    connect(level, 0x0A, null, string("c")), malformed));
            cases.add(new Case((level == 5 ? "[MQTT-3.1.2-13]" : "[MQTT-3.1.2-15]") + " will retain without the will flag",
                    level, connect(level, 0x22, null, string("c")), malformed));
            cases.add(new Case("[MQTT-3.1.2-9] will flag without will topic and payload", level,
                    connect(level, 0x06, null, string("c")), malformed));
            cases.add(new Case((level == 5 ? "[MQTT-3.1.2-17]" : "[MQTT-3.1.2-19]") + " user name flag without a user name",
                    level, connect(level, 0x82, null, string("c")), malformed));
            cases.add(new Case((level == 5 ? "[MQTT-3.1.2-16]" : "[MQTT-3.1.2-18]")
                    + " a user name without the user name flag (bytes after the payload)", level,
                    connect(level, 0x02, null, string("c"), string("user")), malformed));
            cases.add(new Case("[MQTT-3.1.3-3] client identifier longer than the packet", level,
                    connect(level, 0x02, null, bytes(0x00, 0x10, 'c')), malformed));
        }
        cases.add(new Case("[MQTT-3.1.2-22] 3.1.1 password flag without the user name flag", 4,
                connect(4, 0x42, null, string("c"), string("secret")), Verdict.closedWithoutResponse()));
        cases.add(new Case("CONNECT that ends inside the protocol name", 0,
                bytes(0x10, 0x04, 0x00, 0x04, 'M', 'Q'), Verdict.closedWithoutResponse()));
        // The level byte is not part of the packet, so there is no level to answer in, whatever follows.
        cases.add(new Case("CONNECT that ends inside the protocol name, followed by 'T' 'T' 5", 0,
                bytes(0x10, 0x04, 0x00, 0x04, 'M', 'Q', 'T', 'T', 5, 0, 0, 0), Verdict.closedWithoutResponse()));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstPacketNotConnect")
    @DisplayName("first packet is not CONNECT: closed without any response [MQTT-3.1.0-1]")
    void firstPacketMustBeConnect(Case c) throws Exception {
        new Scenario(fixture).firstBytes(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocolNameAndLevel")
    @DisplayName("protocol name/level not supported: CONNACK in the announced level's format, then closed")
    void unsupportedProtocol(Case c) throws Exception {
        new Scenario(fixture).firstBytes(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedConnect")
    @DisplayName("malformed CONNECT: MQTT 5 CONNACK 0x81, MQTT 3.1.1 closed without CONNACK [MQTT-3.1.4-1]")
    void malformedConnect(Case c) throws Exception {
        new Scenario(fixture).firstBytes(c);
    }

    @ParameterizedTest(name = "MQTT level {0}")
    @ValueSource(ints = {5, 4})
    @DisplayName("[MQTT-3.1.0-2] a second CONNECT is a protocol error: DISCONNECT 0x82 (3.1.1: closed)")
    void secondConnect(int level) throws Exception {
        new Scenario(fixture).afterConnect(level, connect(level, "again"), Verdict.afterConnect(level, PROTOCOL_ERROR));
    }

    @Test
    @DisplayName("[MQTT-3.1.0-2] a second CONNECT with another protocol level is a protocol error: DISCONNECT 0x82")
    void secondConnectOfAnotherLevel() throws Exception {
        new Scenario(fixture).afterConnect(5, connect(4, Scenario.BAD_CLIENT), Verdict.disconnect(PROTOCOL_ERROR));
    }

    @ParameterizedTest(name = "MQTT level {0}")
    @ValueSource(ints = {5, 4})
    @DisplayName("[MQTT-3.1.0-2] [MQTT-3.14.0-1] two CONNECTs in one write: CONNACK 0x00, then DISCONNECT 0x82 (3.1.1: closed)")
    void secondConnectPipelined(int level) throws Exception {
        pipelinedBehindConnect(level, connect(level, "again"), Verdict.afterConnect(level, PROTOCOL_ERROR));
    }

    @ParameterizedTest(name = "MQTT level {0}")
    @ValueSource(ints = {5, 4})
    @DisplayName("[MQTT-3.14.0-1] a bad PUBLISH in the same write as the CONNECT: CONNACK 0x00, then DISCONNECT 0x90")
    void badPacketPipelinedBehindConnect(int level) throws Exception {
        pipelinedBehindConnect(level, publish(level, 0, "a/+", 0, null, utf8("x")),
                Verdict.afterConnect(level, TOPIC_NAME_INVALID));
    }

    /** CONNECT and {@code bad} in one write: the bad packet arrives while the session is still being attached. */
    private void pipelinedBehindConnect(int level, byte[] bad, Verdict verdict) throws Exception {
        Scenario scenario = new Scenario(fixture);
        try (Bystander bystander = Bystander.subscribe(fixture.port(), "#");
             RawMqttClient client = new RawMqttClient(fixture.port())) {
            client.send(concat(connect(level, Scenario.BAD_CLIENT), bad));
            RawMqttClient.Packet connAck = client.read();
            assertThat(connAck).as("CONNACK").isNotNull();
            assertThat(connAck.type()).as("first answer %s", connAck).isEqualTo(2);
            assertThat(connAck.reasonCode()).as("CONNACK reason code").isZero();
            verdict.verify(client);
            scenario.assertOnlyBadClientGone(bystander, List.of());
        }
    }
}
