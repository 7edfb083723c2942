package io.unshub.broker.badinput;

import io.unshub.broker.badinput.Scenario.Case;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.transport.ReasonCodes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static io.unshub.broker.badinput.Packets.CONTENT_TYPE;
import static io.unshub.broker.badinput.Packets.PUBLISH;
import static io.unshub.broker.badinput.Packets.RESPONSE_TOPIC;
import static io.unshub.broker.badinput.Packets.connect;
import static io.unshub.broker.badinput.Packets.props;
import static io.unshub.broker.badinput.Packets.publish;
import static io.unshub.broker.badinput.Packets.stringProp;
import static io.unshub.broker.badinput.Packets.subscribe;
import static io.unshub.broker.badinput.Packets.unsubscribe;
import static io.unshub.broker.badinput.Packets.userProp;
import static io.unshub.broker.badinput.Packets.utf8;
import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static io.unshub.broker.testing.RawMqttClient.string;

/**
 * MQTT 5 section 1.5.4 / MQTT 3.1.1 section 1.5.3, UTF-8 encoded strings: ill-formed UTF-8 [MQTT-1.5.4-1]
 * (3.1.1: [MQTT-1.5.3-1]) and U+0000 [MQTT-1.5.4-2] (3.1.1: [MQTT-1.5.3-2]) in any string of any packet make
 * the packet malformed: MQTT 5 gets DISCONNECT 0x81 (CONNACK 0x81 for the CONNECT), MQTT 3.1.1 is closed.
 */
@ExtendWith(NoLeaks.class)
@DisplayName("§1.5.4 UTF-8 encoded strings [MQTT-1.5.4-1] [MQTT-1.5.4-2] [MQTT-1.5.7-1]")
class MalformedStringsIT {

    /** Strings that are not MQTT strings; the first two are used everywhere, the rest in topics and client ids. */
    private static final Map<String, byte[]> BAD_STRINGS = new LinkedHashMap<>();

    static {
        BAD_STRINGS.put("0xFF byte [MQTT-1.5.4-1]", bytes('a', 0xFF, 'b'));
        BAD_STRINGS.put("U+0000 [MQTT-1.5.4-2]", bytes('a', 0x00, 'b'));
        BAD_STRINGS.put("truncated 2-byte sequence [MQTT-1.5.4-1]", bytes('a', 0xC3));
        BAD_STRINGS.put("lone continuation byte [MQTT-1.5.4-1]", bytes('a', 0x80, 'b'));
        BAD_STRINGS.put("overlong encoding of '/' [MQTT-1.5.4-1]", bytes('a', 0xC0, 0xAF));
        BAD_STRINGS.put("surrogate U+D800 [MQTT-1.5.4-1]", bytes('a', 0xED, 0xA0, 0x80));
        BAD_STRINGS.put("code point above U+10FFFF [MQTT-1.5.4-1]", bytes('a', 0xF4, 0x90, 0x80, 0x80));
    }

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();

    private record Place(String name, boolean v5Only, BiFunction<Integer, byte[], byte[]> packet) {
    }

    /** Strings in packets after CONNECT. */
    private static final List<Place> AFTER_CONNECT = List.of(
            new Place("PUBLISH topic name [MQTT-3.3.2-1]", false,
                    (level, bad) -> publish(PUBLISH, level, concat(utf8("t/"), bad), 0, null, utf8("x"))),
            new Place("SUBSCRIBE topic filter [MQTT-3.8.3-1]", false,
                    (level, bad) -> subscribe(level, 1, null, bad, 0)),
            new Place("UNSUBSCRIBE topic filter [MQTT-3.10.3-1]", false,
                    (level, bad) -> unsubscribe(level, 1, bad)),
            new Place("PUBLISH user property name [MQTT-1.5.7-1]", true,
                    (level, bad) -> publish(PUBLISH, level, utf8("t"), 0, props(userProp(bad, utf8("v"))), utf8("x"))),
            new Place("PUBLISH user property value [MQTT-1.5.7-1]", true,
                    (level, bad) -> publish(PUBLISH, level, utf8("t"), 0, props(userProp(utf8("k"), bad)), utf8("x"))),
            new Place("PUBLISH content type [MQTT-3.3.2-19]", true,
                    (level, bad) -> publish(PUBLISH, level, utf8("t"), 0, props(stringProp(CONTENT_TYPE, bad)), utf8("x"))),
            new Place("PUBLISH response topic [MQTT-3.3.2-13]", true,
                    (level, bad) -> publish(PUBLISH, level, utf8("t"), 0, props(stringProp(RESPONSE_TOPIC, bad)), utf8("x"))),
            new Place("SUBSCRIBE user property [MQTT-1.5.7-1]", true,
                    (level, bad) -> subscribe(level, 1, props(userProp(utf8("k"), bad)), utf8("t/#"), 0)));

    /** Strings in the CONNECT. */
    private static final List<Place> IN_CONNECT = List.of(
            new Place("client identifier [MQTT-3.1.3-4]", false,
                    (level, bad) -> connect(level, 0x02, null, string(bad))),
            new Place("will topic [MQTT-3.1.3-11]", false,
                    (level, bad) -> connect(level, 0x06, null, string("c"), level == 5 ? props() : new byte[0],
                            string(bad), string("will"))),
            new Place("user name [MQTT-3.1.3-12]", false,
                    (level, bad) -> connect(level, 0x82, null, string("c"), string(bad))),
            new Place("CONNECT user property [MQTT-1.5.7-1]", true,
                    (level, bad) -> connect(level, 0x02, props(userProp(utf8("k"), bad)), string("c"))),
            new Place("will user property [MQTT-1.5.7-1]", true,
                    (level, bad) -> connect(level, 0x06, null, string("c"), props(userProp(bad, utf8("v"))),
                            string("will/topic"), string("will"))));

    static Stream<Case> afterConnect() {
        return cases(AFTER_CONNECT, "PUBLISH topic name [MQTT-3.3.2-1]", false);
    }

    static Stream<Case> inConnect() {
        return cases(IN_CONNECT, "client identifier [MQTT-3.1.3-4]", true);
    }

    /** Every place with the first two bad strings; {@code thorough} with all of them. */
    private static Stream<Case> cases(List<Place> places, String thorough, boolean inConnect) {
        List<Case> cases = new ArrayList<>();
        for (int level : new int[] {5, 4}) {
            for (Place place : places) {
                if (place.v5Only && level != 5) {
                    continue;
                }
                int n = 0;
                for (Map.Entry<String, byte[]> bad : BAD_STRINGS.entrySet()) {
                    if (n++ >= 2 && !place.name.equals(thorough)) {
                        break;
                    }
                    int code = ReasonCodes.MALFORMED_PACKET;
                    cases.add(new Case(bad.getKey() + " in " + place.name, level, place.packet.apply(level, bad.getValue()),
                            inConnect ? Verdict.onConnect(level, code) : Verdict.afterConnect(level, code)));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("afterConnect")
    @DisplayName("after CONNECT: MQTT 5 DISCONNECT 0x81, MQTT 3.1.1 closed [MQTT-1.5.3-1] [MQTT-1.5.3-2]")
    void malformedStringAfterConnect(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inConnect")
    @DisplayName("in CONNECT: MQTT 5 CONNACK 0x81, MQTT 3.1.1 closed without CONNACK [MQTT-3.1.4-1]")
    void malformedStringInConnect(Case c) throws Exception {
        new Scenario(fixture).firstBytes(c);
    }

    @Test
    @DisplayName("control: 4-byte UTF-8 and U+FEFF in a topic are valid and delivered unchanged [MQTT-1.5.4-3]")
    void wellFormedUnusualCharactersAreAccepted() throws Exception {
        String topic = "t/\uFEFF\uD83D\uDE00/\u00FC";
        new Scenario(fixture).accepted(5, List.of(publish(5, 0, topic, 0, null, utf8("x"))), 0, List.of(topic));
    }

    @Test
    @DisplayName("control: U+0000 is allowed in a payload, it is not a string")
    void nulInPayloadIsAccepted() throws Exception {
        new Scenario(fixture).accepted(4, List.of(publish(4, 0, "t/nul", 0, null, bytes(0, 0, 0))), 0, List.of("t/nul"));
    }
}
