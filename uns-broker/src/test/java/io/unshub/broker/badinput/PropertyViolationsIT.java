package io.unshub.broker.badinput;

import io.unshub.broker.badinput.Scenario.Case;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.NoLeaks;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.unshub.broker.badinput.Packets.CONTENT_TYPE;
import static io.unshub.broker.badinput.Packets.CORRELATION_DATA;
import static io.unshub.broker.badinput.Packets.MAXIMUM_PACKET_SIZE;
import static io.unshub.broker.badinput.Packets.MESSAGE_EXPIRY_INTERVAL;
import static io.unshub.broker.badinput.Packets.PAYLOAD_FORMAT_INDICATOR;
import static io.unshub.broker.badinput.Packets.PUBACK;
import static io.unshub.broker.badinput.Packets.PUBLISH;
import static io.unshub.broker.badinput.Packets.REASON_STRING;
import static io.unshub.broker.badinput.Packets.RECEIVE_MAXIMUM;
import static io.unshub.broker.badinput.Packets.REQUEST_PROBLEM_INFORMATION;
import static io.unshub.broker.badinput.Packets.RESPONSE_TOPIC;
import static io.unshub.broker.badinput.Packets.SESSION_EXPIRY_INTERVAL;
import static io.unshub.broker.badinput.Packets.SUBSCRIPTION_IDENTIFIER;
import static io.unshub.broker.badinput.Packets.TOPIC_ALIAS;
import static io.unshub.broker.badinput.Packets.TOPIC_ALIAS_MAXIMUM;
import static io.unshub.broker.badinput.Packets.byteProp;
import static io.unshub.broker.badinput.Packets.connect;
import static io.unshub.broker.badinput.Packets.fourByteProp;
import static io.unshub.broker.badinput.Packets.props;
import static io.unshub.broker.badinput.Packets.publish;
import static io.unshub.broker.badinput.Packets.stringProp;
import static io.unshub.broker.badinput.Packets.subscribe;
import static io.unshub.broker.badinput.Packets.twoByteProp;
import static io.unshub.broker.badinput.Packets.userProp;
import static io.unshub.broker.badinput.Packets.utf8;
import static io.unshub.broker.badinput.Packets.varInt;
import static io.unshub.broker.badinput.Packets.varIntProp;
import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static io.unshub.broker.testing.RawMqttClient.packet;
import static io.unshub.broker.testing.RawMqttClient.string;
import static io.unshub.broker.transport.ReasonCodes.MALFORMED_PACKET;
import static io.unshub.broker.transport.ReasonCodes.PROTOCOL_ERROR;

/**
 * MQTT 5 section 2.2.2, properties: a property included twice where the specification says "It is a Protocol Error
 * to include X more than once" is a protocol error (0x82); an identifier that is unknown or not valid for the packet
 * type, or a property block that does not parse, is a malformed packet (0x81) (§2.2.2.2). CONNECT problems are
 * answered with CONNACK, later ones with DISCONNECT.
 */
@ExtendWith(NoLeaks.class)
@DisplayName("§2.2.2 properties: duplicated (0x82), unknown or misplaced (0x81)")
class PropertyViolationsIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();

    private static Case publishWith(String name, byte[] properties, int code) {
        return new Case(name, 5, publish(5, 0, "t", 0, properties, utf8("x")), Verdict.disconnect(code));
    }

    private static Case connectWith(String name, byte[] properties, int code) {
        return new Case(name, 5, connect(5, 0x02, properties, string("c")), Verdict.connack(code));
    }

    static Stream<Case> duplicatedAfterConnect() {
        return Stream.of(
                publishWith("PUBLISH payload format indicator twice",
                        props(byteProp(PAYLOAD_FORMAT_INDICATOR, 0), byteProp(PAYLOAD_FORMAT_INDICATOR, 0)), PROTOCOL_ERROR),
                publishWith("PUBLISH message expiry interval twice",
                        props(fourByteProp(MESSAGE_EXPIRY_INTERVAL, 10), fourByteProp(MESSAGE_EXPIRY_INTERVAL, 20)),
                        PROTOCOL_ERROR),
                publishWith("PUBLISH content type twice",
                        props(stringProp(CONTENT_TYPE, utf8("a")), stringProp(CONTENT_TYPE, utf8("b"))), PROTOCOL_ERROR),
                publishWith("PUBLISH response topic twice",
                        props(stringProp(RESPONSE_TOPIC, utf8("r/1")), stringProp(RESPONSE_TOPIC, utf8("r/2"))),
                        PROTOCOL_ERROR),
                publishWith("PUBLISH correlation data twice",
                        props(stringProp(CORRELATION_DATA, utf8("1")), stringProp(CORRELATION_DATA, utf8("2"))),
                        PROTOCOL_ERROR),
                publishWith("PUBLISH topic alias twice",
                        props(twoByteProp(TOPIC_ALIAS, 1), twoByteProp(TOPIC_ALIAS, 2)), PROTOCOL_ERROR),
                new Case("SUBSCRIBE subscription identifier twice", 5,
                        subscribe(5, 1, props(varIntProp(SUBSCRIPTION_IDENTIFIER, 1), varIntProp(SUBSCRIPTION_IDENTIFIER, 2)),
                                utf8("a/#"), 0), Verdict.disconnect(PROTOCOL_ERROR)),
                new Case("PUBACK reason string twice", 5,
                        packet(PUBACK, concat(bytes(0, 1, 0), props(stringProp(REASON_STRING, utf8("a")),
                                stringProp(REASON_STRING, utf8("b"))))), Verdict.disconnect(PROTOCOL_ERROR)));
    }

    static Stream<Case> duplicatedInConnect() {
        return Stream.of(
                connectWith("CONNECT session expiry interval twice",
                        props(fourByteProp(SESSION_EXPIRY_INTERVAL, 0), fourByteProp(SESSION_EXPIRY_INTERVAL, 0)),
                        PROTOCOL_ERROR),
                connectWith("CONNECT receive maximum twice",
                        props(twoByteProp(RECEIVE_MAXIMUM, 10), twoByteProp(RECEIVE_MAXIMUM, 10)), PROTOCOL_ERROR),
                connectWith("CONNECT maximum packet size twice",
                        props(fourByteProp(MAXIMUM_PACKET_SIZE, 1000), fourByteProp(MAXIMUM_PACKET_SIZE, 1000)),
                        PROTOCOL_ERROR),
                connectWith("CONNECT topic alias maximum twice",
                        props(twoByteProp(TOPIC_ALIAS_MAXIMUM, 1), twoByteProp(TOPIC_ALIAS_MAXIMUM, 1)), PROTOCOL_ERROR),
                connectWith("CONNECT request problem information twice",
                        props(byteProp(REQUEST_PROBLEM_INFORMATION, 1), byteProp(REQUEST_PROBLEM_INFORMATION, 1)),
                        PROTOCOL_ERROR),
                new Case("will delay interval twice", 5,
                        connect(5, 0x06, null, string("c"), props(fourByteProp(0x18, 1), fourByteProp(0x18, 1)),
                                string("will/t"), string("w")), Verdict.connack(PROTOCOL_ERROR)));
    }

    static Stream<Case> unknownOrMisplacedAfterConnect() {
        return Stream.of(
                publishWith("PUBLISH property identifier 0x00", props(bytes(0x00, 0x00)), MALFORMED_PACKET),
                publishWith("PUBLISH unassigned property identifier 0x04", props(bytes(0x04, 0x00)), MALFORMED_PACKET),
                publishWith("PUBLISH unassigned property identifier 0x7F", props(bytes(0x7F, 0x00)), MALFORMED_PACKET),
                publishWith("PUBLISH property identifier 128 (two-byte variable integer)",
                        props(concat(varInt(128), bytes(0x00))), MALFORMED_PACKET),
                publishWith("PUBLISH with session expiry interval (a CONNECT property)",
                        props(fourByteProp(SESSION_EXPIRY_INTERVAL, 1)), MALFORMED_PACKET),
                publishWith("PUBLISH with receive maximum (a CONNECT property)",
                        props(twoByteProp(RECEIVE_MAXIMUM, 1)), MALFORMED_PACKET),
                publishWith("PUBLISH with reason string (not a PUBLISH property)",
                        props(stringProp(REASON_STRING, utf8("why"))), MALFORMED_PACKET),
                new Case("SUBSCRIBE with topic alias (a PUBLISH property)", 5,
                        subscribe(5, 1, props(twoByteProp(TOPIC_ALIAS, 1)), utf8("a/#"), 0), Verdict.disconnect(MALFORMED_PACKET)),
                new Case("SUBSCRIBE with unassigned property identifier 0x7F", 5,
                        subscribe(5, 1, props(bytes(0x7F, 0x00)), utf8("a/#"), 0), Verdict.disconnect(MALFORMED_PACKET)),
                publishWith("property length beyond the end of the packet", bytes(0x20, 0x01, 0x00), MALFORMED_PACKET),
                publishWith("property value cut short by the property length",
                        concat(bytes(3), bytes(MESSAGE_EXPIRY_INTERVAL, 0, 0)), MALFORMED_PACKET),
                publishWith("user property without its value", props(concat(bytes(0x26), string("k"))), MALFORMED_PACKET));
    }

    static Stream<Case> unknownOrMisplacedInConnect() {
        return Stream.of(
                connectWith("CONNECT unassigned property identifier 0x7F", props(bytes(0x7F, 0x00)), MALFORMED_PACKET),
                connectWith("CONNECT with topic alias (a PUBLISH property)", props(twoByteProp(TOPIC_ALIAS, 1)),
                        MALFORMED_PACKET),
                connectWith("CONNECT with payload format indicator (a will property)",
                        props(byteProp(PAYLOAD_FORMAT_INDICATOR, 1)), MALFORMED_PACKET),
                new Case("will properties with session expiry interval (a CONNECT property)", 5,
                        connect(5, 0x06, null, string("c"), props(fourByteProp(SESSION_EXPIRY_INTERVAL, 1)),
                                string("will/t"), string("w")), Verdict.connack(MALFORMED_PACKET)));
    }

    static Stream<Case> invalidValues() {
        return Stream.of(
                publishWith("§3.3.2.3.2 payload format indicator 2", props(byteProp(PAYLOAD_FORMAT_INDICATOR, 2)),
                        PROTOCOL_ERROR),
                publishWith("[MQTT-3.3.4-6] subscription identifier in a client PUBLISH",
                        props(varIntProp(SUBSCRIPTION_IDENTIFIER, 5)), PROTOCOL_ERROR),
                new Case("§3.8.2.1.2 subscription identifier 0", 5,
                        subscribe(5, 1, props(varIntProp(SUBSCRIPTION_IDENTIFIER, 0)), utf8("a/#"), 0),
                        Verdict.disconnect(PROTOCOL_ERROR)));
    }

    static Stream<Case> invalidValuesInConnect() {
        return Stream.of(
                connectWith("§3.1.2.11.3 receive maximum 0", props(twoByteProp(RECEIVE_MAXIMUM, 0)), PROTOCOL_ERROR),
                connectWith("§3.1.2.11.4 maximum packet size 0", props(fourByteProp(MAXIMUM_PACKET_SIZE, 0)),
                        PROTOCOL_ERROR),
                connectWith("§3.1.2.11.7 request problem information 2",
                        props(byteProp(REQUEST_PROBLEM_INFORMATION, 2)), PROTOCOL_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("duplicatedAfterConnect")
    @DisplayName("duplicated property after CONNECT: DISCONNECT 0x82")
    void duplicatedProperty(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("duplicatedInConnect")
    @DisplayName("duplicated property in CONNECT: CONNACK 0x82")
    void duplicatedPropertyInConnect(Case c) throws Exception {
        new Scenario(fixture).firstBytes(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownOrMisplacedAfterConnect")
    @DisplayName("unknown, misplaced or truncated property after CONNECT: DISCONNECT 0x81")
    void unknownProperty(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownOrMisplacedInConnect")
    @DisplayName("unknown or misplaced property in CONNECT: CONNACK 0x81")
    void unknownPropertyInConnect(Case c) throws Exception {
        new Scenario(fixture).firstBytes(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValues")
    @DisplayName("property with a value the specification forbids: DISCONNECT 0x82")
    void invalidPropertyValue(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValuesInConnect")
    @DisplayName("CONNECT property with a value the specification forbids: CONNACK 0x82")
    void invalidPropertyValueInConnect(Case c) throws Exception {
        new Scenario(fixture).firstBytes(c);
    }

    @Test
    @DisplayName("control: a user property may appear more than once, the message is delivered [MQTT-3.3.2-17]")
    void repeatedUserPropertyIsAccepted() throws Exception {
        byte[] properties = props(userProp(utf8("k"), utf8("1")), userProp(utf8("k"), utf8("2")),
                byteProp(PAYLOAD_FORMAT_INDICATOR, 1), stringProp(CONTENT_TYPE, utf8("text/plain")));
        new Scenario(fixture).accepted(5, List.of(publish(5, 1, "t/user", 3, properties, utf8("ok"))), 1,
                List.of("t/user"));
    }

    @Test
    @DisplayName("control: a PUBLISH with every client PUBLISH property once is delivered")
    void everyPublishPropertyOnceIsAccepted() throws Exception {
        byte[] properties = props(byteProp(PAYLOAD_FORMAT_INDICATOR, 1), fourByteProp(MESSAGE_EXPIRY_INTERVAL, 60),
                twoByteProp(TOPIC_ALIAS, 1), stringProp(RESPONSE_TOPIC, utf8("r/1")),
                stringProp(CORRELATION_DATA, utf8("c")), userProp(utf8("k"), utf8("v")),
                stringProp(CONTENT_TYPE, utf8("text/plain")));
        new Scenario(fixture).accepted(5, List.of(publish(PUBLISH | 0x02, 5, utf8("t/all"), 4, properties, utf8("ok"))), 1,
                List.of("t/all"));
    }
}
