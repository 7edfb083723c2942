package io.unshub.broker.badinput;

import io.unshub.broker.badinput.Scenario.Case;
import io.unshub.broker.config.BrokerConfig;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.unshub.broker.badinput.Packets.PAYLOAD_FORMAT_INDICATOR;
import static io.unshub.broker.badinput.Packets.PUBCOMP;
import static io.unshub.broker.badinput.Packets.PUBREL;
import static io.unshub.broker.badinput.Packets.TOPIC_ALIAS;
import static io.unshub.broker.badinput.Packets.ack;
import static io.unshub.broker.badinput.Packets.byteProp;
import static io.unshub.broker.badinput.Packets.props;
import static io.unshub.broker.badinput.Packets.publish;
import static io.unshub.broker.badinput.Packets.twoByteProp;
import static io.unshub.broker.badinput.Packets.utf8;
import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.transport.ReasonCodes.PAYLOAD_FORMAT_INVALID;
import static io.unshub.broker.transport.ReasonCodes.PROTOCOL_ERROR;
import static io.unshub.broker.transport.ReasonCodes.RECEIVE_MAXIMUM_EXCEEDED;
import static io.unshub.broker.transport.ReasonCodes.TOPIC_ALIAS_INVALID;
import static io.unshub.broker.transport.ReasonCodes.TOPIC_NAME_INVALID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5 / 3.1.1 section 3.3, PUBLISH from a client: the topic name [MQTT-3.3.2-1] [MQTT-3.3.2-2], topic aliases
 * [MQTT-3.3.2-8] [MQTT-3.3.2-9], the receive maximum [MQTT-3.3.4-7] and the payload format indicator
 * (§3.3.2.3.2). The broker here announces receive maximum {@value #RECEIVE_MAXIMUM} and topic alias maximum
 * {@value #TOPIC_ALIAS_MAXIMUM}.
 */
@ExtendWith(NoLeaks.class)
@DisplayName("§3.3 PUBLISH [MQTT-3.3.2-1] [MQTT-3.3.2-2] [MQTT-3.3.2-8] [MQTT-3.3.2-9] [MQTT-3.3.4-7]")
class PublishViolationsIT {

    static final int RECEIVE_MAXIMUM = 3;
    static final int TOPIC_ALIAS_MAXIMUM = 4;

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture().configure(PublishViolationsIT::limits);

    private static BrokerConfig limits(BrokerConfig c) {
        return c.withLimits(c.maxPacketSize(), RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM, c.maxQueuedMessages(),
                c.maxKeepAliveSeconds());
    }

    static Stream<Case> wildcardTopics() {
        List<Case> cases = new ArrayList<>();
        for (int level : new int[] {5, 4}) {
            for (String topic : List.of("a/+", "a/#", "#", "+", "a/b+c", "sport/tennis#", "+/a")) {
                cases.add(new Case("[MQTT-3.3.2-2] topic '" + topic + "'", level,
                        publish(level, 0, topic, 0, null, utf8("x")), Verdict.afterConnect(level, TOPIC_NAME_INVALID)));
            }
            cases.add(new Case("[MQTT-3.3.2-2] topic 'a/#' at QoS 1", level,
                    publish(level, 1, "a/#", 1, null, utf8("x")), Verdict.afterConnect(level, TOPIC_NAME_INVALID)));
        }
        return cases.stream();
    }

    static Stream<Case> emptyTopic() {
        return Stream.of(
                new Case("§3.3.2.3.4 empty topic without topic alias at QoS 0", 5,
                        publish(5, 0, "", 0, null, utf8("x")), Verdict.disconnect(PROTOCOL_ERROR)),
                new Case("§3.3.2.3.4 empty topic without topic alias at QoS 1", 5,
                        publish(5, 1, "", 1, null, utf8("x")), Verdict.disconnect(PROTOCOL_ERROR)),
                new Case("[MQTT-4.7.3-1] empty topic", 4,
                        publish(4, 0, "", 0, null, utf8("x")), Verdict.closedWithoutResponse()),
                new Case("[MQTT-4.7.3-1] empty topic at QoS 1", 4,
                        publish(4, 1, "", 1, null, utf8("x")), Verdict.closedWithoutResponse()));
    }

    static Stream<Case> badTopicAlias() {
        Verdict invalid = Verdict.disconnect(TOPIC_ALIAS_INVALID);
        return Stream.of(
                new Case("[MQTT-3.3.2-8] topic alias 0 with a topic", 5,
                        publish(5, 0, "t", 0, props(twoByteProp(TOPIC_ALIAS, 0)), utf8("x")), invalid),
                new Case("[MQTT-3.3.2-8] topic alias 0 without a topic", 5,
                        publish(5, 0, "", 0, props(twoByteProp(TOPIC_ALIAS, 0)), utf8("x")), invalid),
                new Case("[MQTT-3.3.2-9] [MQTT-3.2.2-17] topic alias 5, above the maximum 4", 5,
                        publish(5, 0, "t", 0, props(twoByteProp(TOPIC_ALIAS, TOPIC_ALIAS_MAXIMUM + 1)), utf8("x")), invalid),
                new Case("[MQTT-3.3.2-9] topic alias 65535 at QoS 1", 5,
                        publish(5, 1, "t", 1, props(twoByteProp(TOPIC_ALIAS, 65_535)), utf8("x")), invalid),
                new Case("§3.3.2.3.4 empty topic with a topic alias that was never set", 5,
                        publish(5, 0, "", 0, props(twoByteProp(TOPIC_ALIAS, 2)), utf8("x")),
                        Verdict.disconnect(PROTOCOL_ERROR)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wildcardTopics")
    @DisplayName("wildcard in a PUBLISH topic: DISCONNECT 0x90 (3.1.1: closed)")
    void wildcardInTopicName(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyTopic")
    @DisplayName("empty topic without a topic alias: DISCONNECT 0x82 (3.1.1: closed)")
    void emptyTopicWithoutAlias(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTopicAlias")
    @DisplayName("topic alias 0 or above the maximum: DISCONNECT 0x94")
    void invalidTopicAlias(Case c) throws Exception {
        new Scenario(fixture).afterConnect(c);
    }

    @Test
    @DisplayName("[MQTT-3.2.2-18] any topic alias when the server's topic alias maximum is 0: DISCONNECT 0x94")
    void topicAliasWhenServerAllowsNone() throws Exception {
        BrokerConfig base = BrokerConfig.ephemeral().withSysInterval(Duration.ZERO);
        fixture.start(base.withLimits(base.maxPacketSize(), RECEIVE_MAXIMUM, 0, base.maxQueuedMessages(),
                base.maxKeepAliveSeconds()));
        new Scenario(fixture).afterConnect(5, publish(5, 0, "t", 0, props(twoByteProp(TOPIC_ALIAS, 1)), utf8("x")),
                Verdict.disconnect(TOPIC_ALIAS_INVALID));
    }

    @Test
    @DisplayName("control: [MQTT-3.3.2-12] topic alias 1..4 is set with a topic and then used with an empty one")
    void validTopicAliasesAreAccepted() throws Exception {
        new Scenario(fixture).accepted(5, List.of(
                publish(5, 0, "alias/one", 0, props(twoByteProp(TOPIC_ALIAS, 1)), utf8("x")),
                publish(5, 0, "alias/four", 0, props(twoByteProp(TOPIC_ALIAS, TOPIC_ALIAS_MAXIMUM)), utf8("x")),
                publish(5, 0, "", 0, props(twoByteProp(TOPIC_ALIAS, TOPIC_ALIAS_MAXIMUM)), utf8("x")),
                publish(5, 0, "", 0, props(twoByteProp(TOPIC_ALIAS, 1)), utf8("x"))),
                0, List.of("alias/one", "alias/four", "alias/four", "alias/one"));
    }

    @ParameterizedTest(name = "{0} unacknowledged QoS 2 PUBLISHes")
    @ValueSource(ints = {RECEIVE_MAXIMUM + 1})
    @DisplayName("[MQTT-3.3.4-7] more unacknowledged QoS 2 PUBLISHes than the receive maximum: DISCONNECT 0x93")
    void receiveMaximumExceeded(int publishes) throws Exception {
        List<byte[]> packets = new ArrayList<>();
        List<String> delivered = new ArrayList<>();
        for (int id = 1; id <= publishes; id++) {
            packets.add(publish(5, 2, "rm/" + id, id, null, utf8("x")));
            if (id <= RECEIVE_MAXIMUM) {
                delivered.add("rm/" + id);
            }
        }
        // The first RECEIVE_MAXIMUM are acknowledged with PUBREC (and delivered); the one beyond the limit is not.
        new Scenario(fixture).afterConnect(5, packets, RECEIVE_MAXIMUM, Verdict.disconnect(RECEIVE_MAXIMUM_EXCEEDED),
                delivered);
    }

    @Test
    @DisplayName("control: [MQTT-3.3.4-7] a PUBREL frees a slot of the receive maximum")
    void receiveMaximumCountsOnlyUnreleasedPublishes() throws Exception {
        List<byte[]> packets = new ArrayList<>();
        for (int id = 1; id <= RECEIVE_MAXIMUM; id++) {
            packets.add(publish(5, 2, "rm/" + id, id, null, utf8("x")));
        }
        packets.add(ack(PUBREL, 1));
        packets.add(publish(5, 2, "rm/next", RECEIVE_MAXIMUM + 1, null, utf8("x")));
        // PUBREC x3, PUBCOMP, PUBREC.
        new Scenario(fixture).accepted(5, packets, RECEIVE_MAXIMUM + 2, List.of("rm/1", "rm/2", "rm/3", "rm/next"));
    }

    @Test
    @DisplayName("§3.3.2.3.2 payload format indicator 1 with a non-UTF-8 payload at QoS 0: DISCONNECT 0x99")
    void invalidUtf8PayloadAtQos0() throws Exception {
        new Scenario(fixture).afterConnect(5, publish(5, 0, "pfi/t", 0, props(byteProp(PAYLOAD_FORMAT_INDICATOR, 1)),
                bytes('a', 0xFF)), Verdict.disconnect(PAYLOAD_FORMAT_INVALID));
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    @DisplayName("§3.3.2.3.2 payload format indicator 1 with a non-UTF-8 payload at QoS 1/2: PUBACK/PUBREC 0x99, still connected, not delivered")
    void invalidUtf8PayloadAtQos1And2(int qos) throws Exception {
        try (Bystander bystander = Bystander.subscribe(fixture.port(), "#");
             RawMqttClient client = new RawMqttClient(fixture.port())) {
            client.connect(5, Scenario.BAD_CLIENT);
            client.send(publish(5, qos, "pfi/t", 42, props(byteProp(PAYLOAD_FORMAT_INDICATOR, 1)), bytes(0xC3, 0x28)));
            RawMqttClient.Packet ack = client.read();
            assertThat(ack).as("acknowledgement").isNotNull();
            assertThat(ack.type()).as("%s", ack).isEqualTo(qos == 1 ? 4 : 5);
            assertThat((ack.body()[0] & 0xFF) << 8 | ack.body()[1] & 0xFF).as("packet identifier").isEqualTo(42);
            assertThat(Verdict.hex(ack.body()[2] & 0xFF)).as("reason code").isEqualTo(Verdict.hex(PAYLOAD_FORMAT_INVALID));
            if (qos == 2) {
                client.send(ack(PUBREL, 42));
                RawMqttClient.Packet pubComp = client.read();
                assertThat(pubComp).as("PUBCOMP").isNotNull();
                assertThat(pubComp.header()).as("%s", pubComp).isEqualTo(PUBCOMP);
            }
            client.send(Packets.pingReq());
            RawMqttClient.Packet pingResp = client.read();
            assertThat(pingResp).as("still connected").isNotNull();
            assertThat(pingResp.type()).as("%s", pingResp).isEqualTo(13);
            bystander.assertReceivedNothing();
            assertThat(fixture.broker().connection(Scenario.BAD_CLIENT)).isPresent();
        }
    }

    @Test
    @DisplayName("control: payload format indicator 1 with a UTF-8 payload is delivered")
    void validUtf8PayloadIsAccepted() throws Exception {
        new Scenario(fixture).accepted(5, List.of(publish(5, 1, "pfi/ok", 1,
                props(byteProp(PAYLOAD_FORMAT_INDICATOR, 1)), utf8("grüße"))), 1, List.of("pfi/ok"));
    }
}
