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

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.unshub.broker.badinput.Packets.PUBACK;
import static io.unshub.broker.badinput.Packets.PUBCOMP;
import static io.unshub.broker.badinput.Packets.PUBLISH;
import static io.unshub.broker.badinput.Packets.PUBREC;
import static io.unshub.broker.badinput.Packets.PUBREL;
import static io.unshub.broker.badinput.Packets.ack;
import static io.unshub.broker.badinput.Packets.publish;
import static io.unshub.broker.badinput.Packets.subscribe;
import static io.unshub.broker.badinput.Packets.unsubscribe;
import static io.unshub.broker.badinput.Packets.utf8;
import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.transport.ReasonCodes.MALFORMED_PACKET;
import static io.unshub.broker.transport.ReasonCodes.PROTOCOL_ERROR;

/**
 * MQTT 5 chapter 2 (3.1.1 chapter 2), the packet format: the remaining length (§2.1.4), the reserved flag bits of
 * the fixed header (§2.1.3) and the packet identifier (§2.2.1). Each case connects, sends one bad packet and expects
 * DISCONNECT with the reason code (MQTT 5) or just the close (MQTT 3.1.1), with a bystander left undisturbed.
 */
@ExtendWith(NoLeaks.class)
@DisplayName("§2 MQTT control packet format: remaining length, reserved flags [MQTT-2.1.3-1], packet identifier [MQTT-2.2.1-3]")
class FixedHeaderViolationsIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();

    private static void both(List<Case> cases, String name, byte[] packet, int v5Code) {
        for (int level : new int[] {5, 4}) {
            cases.add(new Case(name, level, packet, Verdict.afterConnect(level, v5Code)));
        }
    }

    static Stream<Case> remainingLength() {
        List<Case> cases = new ArrayList<>();
        both(cases, "§1.5.5 remaining length of five bytes (FF FF FF FF 7F)",
                bytes(PUBLISH, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), MALFORMED_PACKET);
        both(cases, "§1.5.5 remaining length of five bytes (80 80 80 80 01) on a PINGREQ",
                bytes(0xC0, 0x80, 0x80, 0x80, 0x80, 0x01), MALFORMED_PACKET);
        both(cases, "remaining length shorter than the topic it announces",
                bytes(PUBLISH, 0x03, 0x00, 0x05, 't', 'o', 'p', 'i', 'c'), MALFORMED_PACKET);
        both(cases, "PINGREQ with a remaining length of 1",
                bytes(0xC0, 0x01, 0x00), MALFORMED_PACKET);
        both(cases, "PUBACK with a remaining length of 1 (no room for the packet identifier)",
                bytes(PUBACK, 0x01, 0x01), MALFORMED_PACKET);
        for (int level : new int[] {5, 4}) {
            byte[] subscribe = subscribe(level, 1, null, utf8("a"), 0);
            byte[] withoutOptions = java.util.Arrays.copyOf(subscribe, subscribe.length - 1);
            withoutOptions[1]--; // the remaining length still matches what is there
            cases.add(new Case("SUBSCRIBE whose filter has no subscription options byte", level, withoutOptions,
                    Verdict.afterConnect(level, MALFORMED_PACKET)));
        }
        both(cases, "[MQTT-1.5.5-1] remaining length not in the fewest bytes (C0 80 00)",
                bytes(0xC0, 0x80, 0x00), MALFORMED_PACKET);
        return cases.stream();
    }

    static Stream<Case> reservedFlags() {
        List<Case> cases = new ArrayList<>();
        both(cases, "[MQTT-2.1.3-1] PINGREQ with flags 0001", bytes(0xC1, 0x00), MALFORMED_PACKET);
        both(cases, "[MQTT-2.1.3-1] PINGREQ with flags 1000", bytes(0xC8, 0x00), MALFORMED_PACKET);
        both(cases, "[MQTT-2.1.3-1] [MQTT-3.8.1-1] SUBSCRIBE with flags 0000",
                subscribe(0x80, 5, 1, null, utf8("a/#"), 0), MALFORMED_PACKET);
        both(cases, "[MQTT-2.1.3-1] [MQTT-3.8.1-1] SUBSCRIBE with flags 0011",
                subscribe(0x83, 5, 1, null, utf8("a/#"), 0), MALFORMED_PACKET);
        both(cases, "[MQTT-2.1.3-1] [MQTT-3.10.1-1] UNSUBSCRIBE with flags 0000",
                unsubscribe(0xA0, 5, 1, utf8("a/#")), MALFORMED_PACKET);
        both(cases, "[MQTT-2.1.3-1] [MQTT-3.6.1-1] PUBREL with flags 0000", ack(0x60, 1), MALFORMED_PACKET);
        both(cases, "[MQTT-2.1.3-1] PUBACK with flags 0010", ack(PUBACK | 0x02, 1), MALFORMED_PACKET);
        both(cases, "[MQTT-2.1.3-1] PUBREC with flags 0001", ack(PUBREC | 0x01, 1), MALFORMED_PACKET);
        both(cases, "[MQTT-2.1.3-1] PUBCOMP with flags 1000", ack(PUBCOMP | 0x08, 1), MALFORMED_PACKET);
        both(cases, "[MQTT-2.1.3-1] [MQTT-3.14.1-1] DISCONNECT with flags 0010", bytes(0xE2, 0x00), MALFORMED_PACKET);
        cases.add(new Case("[MQTT-2.1.3-1] [MQTT-3.15.1-1] AUTH with flags 0001", 5, bytes(0xF1, 0x00),
                Verdict.disconnect(MALFORMED_PACKET)));
        // The PUBLISH flags carry DUP, QoS and RETAIN, two combinations of which are forbidden.
        for (int level : new int[] {5, 4}) {
            cases.add(new Case("[MQTT-3.3.1-4] PUBLISH with QoS 3", level,
                    publish(PUBLISH | 0x06, level, utf8("t"), 1, null, utf8("x")), Verdict.afterConnect(level, MALFORMED_PACKET)));
            cases.add(new Case("[MQTT-3.3.1-4] PUBLISH with QoS 3 and DUP", level,
                    publish(PUBLISH | 0x0E, level, utf8("t"), 1, null, utf8("x")), Verdict.afterConnect(level, MALFORMED_PACKET)));
            cases.add(new Case("[MQTT-3.3.1-2] PUBLISH with QoS 0 and DUP", level,
                    publish(PUBLISH | 0x08, level, utf8("t"), 0, null, utf8("x")), Verdict.afterConnect(level, MALFORMED_PACKET)));
        }
        return cases.stream();
    }

    static Stream<Case> packetTypes() {
        List<Case> cases = new ArrayList<>();
        both(cases, "§2.1.2 reserved packet type 0", bytes(0x00, 0x00), MALFORMED_PACKET);
        both(cases, "§2.1.2 CONNACK sent by a client", bytes(0x20, 0x02, 0x00, 0x00), PROTOCOL_ERROR);
        both(cases, "§2.1.2 SUBACK sent by a client", bytes(0x90, 0x03, 0x00, 0x01, 0x00), PROTOCOL_ERROR);
        both(cases, "§2.1.2 UNSUBACK sent by a client", bytes(0xB0, 0x02, 0x00, 0x01), PROTOCOL_ERROR);
        both(cases, "§2.1.2 PINGRESP sent by a client", bytes(0xD0, 0x00), PROTOCOL_ERROR);
        cases.add(new Case("§2.1.2 AUTH (type 15) is reserved in 3.1.1 [MQTT-2.2.2-2]", 4, bytes(0xF0, 0x00),
                Verdict.closedWithoutResponse()));
        return cases.stream();
    }

    static Stream<Case> packetIdentifierZero() {
        List<Case> cases = new ArrayList<>();
        for (int level : new int[] {5, 4}) {
            String ids = level == 5 ? "[MQTT-2.2.1-3]" : "[MQTT-2.3.1-1]";
            Verdict verdict = Verdict.afterConnect(level, PROTOCOL_ERROR);
            cases.add(new Case(ids + " PUBLISH QoS 1 with packet identifier 0", level,
                    publish(level, 1, "t", 0, null, utf8("x")), verdict));
            cases.add(new Case(ids + " PUBLISH QoS 2 with packet identifier 0", level,
                    publish(level, 2, "t", 0, null, utf8("x")), verdict));
            cases.add(new Case(ids + " SUBSCRIBE with packet identifier 0", level,
                    subscribe(level, 0, null, utf8("a/#"), 0), verdict));
            cases.add(new Case(ids + " UNSUBSCRIBE with packet identifier 0", level,
                    unsubscribe(level, 0, utf8("a/#")), verdict));
            cases.add(new Case("PUBACK with packet identifier 0", level, ack(PUBACK, 0), verdict));
            cases.add(new Case("PUBREL with packet identifier 0", level, ack(PUBREL, 0), verdict));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remainingLength")
    @DisplayName("§2.1.4 remaining length: malformed")
    void badRemainingLength(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reservedFlags")
    @DisplayName("§2.1.3 reserved flag bits: malformed [MQTT-2.1.3-1] (3.1.1: [MQTT-2.2.2-2])")
    void reservedFlagBits(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packetTypes")
    @DisplayName("§2.1.2 packet types a client must not send")
    void forbiddenPacketType(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packetIdentifierZero")
    @DisplayName("§2.2.1 packet identifier 0: protocol error [MQTT-2.2.1-3] (3.1.1: [MQTT-2.3.1-1])")
    void packetIdentifierZero(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @Test
    @DisplayName("control: a remaining length of two bytes (a 200-byte PUBLISH) is framed and delivered")
    void multiByteRemainingLengthIsAccepted() throws Exception {
        byte[] packet = publish(5, 1, "t/long", 7, null, new byte[190]);
        new Scenario(fixture).accepted(5, List.of(packet), 1, List.of("t/long"));
    }

    @Test
    @DisplayName("control: a packet split across many TCP writes is reassembled")
    void packetSplitAcrossWritesIsAccepted() throws Exception {
        byte[] packet = publish(5, 1, "t/split", 9, null, utf8("split"));
        List<byte[]> pieces = new ArrayList<>();
        for (byte b : packet) {
            pieces.add(new byte[] {b});
        }
        new Scenario(fixture).accepted(5, pieces, 1, List.of("t/split"));
    }
}
