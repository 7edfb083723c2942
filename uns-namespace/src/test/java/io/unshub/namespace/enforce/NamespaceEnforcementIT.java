package io.unshub.namespace.enforce;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRec;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRecReasonCode;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.check.Rule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Namespace enforcement as an MQTT 5 client sees it (HiveMQ client): accepted topics flow, a topic outside
 * the model earns 0x90 and a payload that breaks its class's contract 0x83 in the PUBACK/PUBREC, with a
 * reason string naming the rule only when problem information was requested; rejected messages reach no
 * subscriber and never the retained store; rejected QoS 0 messages are dropped or cost the connection, as
 * the model says; reserved topics are not checked.
 */
class NamespaceEnforcementIT extends AbstractNamespaceIT {

    @BeforeEach
    void start() {
        startHub();
    }

    @Test
    @DisplayName("topics the model accepts are delivered: _edge with a uns-value, _mes with its schema, _raw with anything")
    void acceptedTopicsAreDelivered() throws Exception {
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");
        Mqtt5BlockingClient publisher = connectedV5("press-plc");

        Mqtt5PubAck edge = pubAck(publisher, EDGE_TOPIC, value(21.5), false);
        Mqtt5PubAck mes = pubAck(publisher, MES_TOPIC, utf8("{\"order\": \"wo-17\", \"quantity\": 3}"), false);
        Mqtt5PubRec raw = pubRec(publisher, RAW_TOPIC, new byte[] {0, (byte) 0xFF, 7}, false);

        assertThat(edge.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(mes.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(raw.getReasonCode()).isEqualTo(Mqtt5PubRecReasonCode.SUCCESS);
        List<Mqtt5Publish> received = List.of(next(all), next(all), next(all));
        assertThat(topics(received)).containsExactly(EDGE_TOPIC, MES_TOPIC, RAW_TOPIC);
        assertThat(text(received.get(0))).contains("21.5");
        assertThat(received.get(2).getPayloadAsBytes()).containsExactly(0, 0xFF, 7);
        assertThat(enforcer.counters().total()).isZero();
    }

    @Test
    @DisplayName("a topic outside the model: PUBACK 0x90 (QoS 1) and PUBREC 0x90 (QoS 2) with a reason string naming the rule")
    void topicOutsideModelIsRefusedWithReasonCode() throws Exception {
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");
        Mqtt5BlockingClient publisher = connectedV5("press-plc");

        Mqtt5PubAck berlin = pubAck(publisher, BERLIN_TOPIC, value(1), false);
        assertThat(berlin.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(berlin.getReasonCode().getCode()).isEqualTo(0x90);
        assertThat(berlin.getReasonString()).hasValueSatisfying(reason ->
                assertThat(reason.toString()).startsWith("UNS-E105").contains("berlin"));

        Mqtt5PubRec unknownClass = pubRec(publisher, UNKNOWN_CLASS_TOPIC, value(2), false);
        assertThat(unknownClass.getReasonCode()).isEqualTo(Mqtt5PubRecReasonCode.TOPIC_NAME_INVALID);
        assertThat(unknownClass.getReasonString()).hasValueSatisfying(reason ->
                assertThat(reason.toString()).startsWith("UNS-E107").contains("_foo"));

        Mqtt5PubAck noClass = pubAck(publisher, "acme/dallas/press/line1", value(3), false);
        assertThat(noClass.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(noClass.getReasonString()).hasValueSatisfying(reason ->
                assertThat(reason.toString()).startsWith("UNS-E106"));

        // The refused messages reached nobody: the next accepted message from the same client is the first.
        pubAck(publisher, EDGE_TOPIC, value(4), false);
        assertThat(topics(receivedBefore(all, EDGE_TOPIC))).isEmpty();
        assertThat(publisher.getState().isConnected()).isTrue();
        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(1);
        assertThat(enforcer.counters().count(Rule.CLASS_UNKNOWN)).isEqualTo(1);
        assertThat(enforcer.counters().count(Rule.CLASS_MISSING)).isEqualTo(1);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-29] no reason string on the refusal when the client set request problem information to 0")
    void noReasonStringWithoutProblemInformation() throws Exception {
        Mqtt5BlockingClient quiet = v5("quiet-plc", b -> b);
        quiet.connectWith().restrictions().requestProblemInformation(false).applyRestrictions().send();

        Mqtt5PubAck topic = pubAck(quiet, BERLIN_TOPIC, value(1), false);
        Mqtt5PubRec payload = pubRec(quiet, EDGE_TOPIC, utf8("{\"value\": 1}"), false);

        assertThat(topic.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(topic.getReasonString()).isEmpty();
        assertThat(payload.getReasonCode()).isEqualTo(Mqtt5PubRecReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        assertThat(payload.getReasonString()).isEmpty();
        assertThat(enforcer.counters().total()).isEqualTo(2);
    }

    @Test
    @DisplayName("a payload breaking its class's contract: 0x83 with UNS-E2xx (built-in uns-value and a custom JSON Schema)")
    void payloadBreakingContractIsRefusedWith0x83() throws Exception {
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");
        Mqtt5BlockingClient publisher = connectedV5("mes-gw");

        Mqtt5PubAck noTimestamp = pubAck(publisher, EDGE_TOPIC, utf8("{\"value\": 1}"), false);
        assertThat(noTimestamp.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        assertThat(noTimestamp.getReasonCode().getCode()).isEqualTo(0x83);
        assertThat(noTimestamp.getReasonString()).hasValueSatisfying(reason ->
                assertThat(reason.toString()).startsWith("UNS-E203").contains("uns-value").contains("timestamp_ms"));

        Mqtt5PubAck notJson = pubAck(publisher, EDGE_TOPIC, utf8("degC 21.5"), false);
        assertThat(notJson.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        assertThat(notJson.getReasonString()).hasValueSatisfying(reason ->
                assertThat(reason.toString()).startsWith("UNS-E202"));

        Mqtt5PubRec badOrder = pubRec(publisher, MES_TOPIC, utf8("{\"order\": \"wo-17\", \"quantity\": 0}"), false);
        assertThat(badOrder.getReasonCode()).isEqualTo(Mqtt5PubRecReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        assertThat(badOrder.getReasonString()).hasValueSatisfying(reason ->
                assertThat(reason.toString()).startsWith("UNS-E203").contains("work-order").contains("quantity"));

        // Only the payload decides: the same topics with payloads that keep the contract are accepted.
        assertThat(pubAck(publisher, MES_TOPIC, utf8("{\"order\": \"wo-17\", \"quantity\": 1}"), false)
                .getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(pubAck(publisher, EDGE_TOPIC, value(1), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(topics(receivedBefore(all, EDGE_TOPIC))).containsExactly(MES_TOPIC);
        assertThat(enforcer.counters().count(Rule.PAYLOAD_SCHEMA)).isEqualTo(2);
        assertThat(enforcer.counters().count(Rule.PAYLOAD_FORMAT)).isEqualTo(1);
    }

    @Test
    @DisplayName("a payload with text after its JSON document is not JSON: 0x83 UNS-E202, never delivered")
    void jsonFollowedByGarbageIsNotJson() throws Exception {
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");
        Mqtt5BlockingClient publisher = connectedV5("press-plc");

        // A valid uns-value followed by a unit: a JSON parser must refuse the whole text (RFC 8259 section 2).
        Mqtt5PubAck trailing = pubAck(publisher, EDGE_TOPIC,
                utf8("{\"value\": 21.5, \"timestamp_ms\": 1732000000000} degC"), false);

        assertThat(trailing.getReasonCode()).as("PUBACK for a payload that is not JSON")
                .isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        assertThat(trailing.getReasonString()).hasValueSatisfying(reason ->
                assertThat(reason.toString()).startsWith("UNS-E202"));
        pubAck(publisher, RAW_TOPIC, utf8("marker"), false);
        assertThat(topics(receivedBefore(all, RAW_TOPIC))).isEmpty();
    }

    @Test
    @DisplayName("a refused retained message is never stored: nothing in the retained store, nothing for a fresh subscriber")
    void refusedRetainedMessageIsNeverRetained() throws Exception {
        Mqtt5BlockingClient publisher = connectedV5("press-plc");
        String retainedMarker = "acme/dallas/press/line2/cell1/_raw/marker";
        assertThat(pubAck(publisher, retainedMarker, utf8("kept"), true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
        assertThat(pubAck(publisher, EDGE_TOPIC, value(20), true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);

        assertThat(pubAck(publisher, BERLIN_TOPIC, value(1), true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(pubRec(publisher, UNKNOWN_CLASS_TOPIC, value(2), true).getReasonCode())
                .isEqualTo(Mqtt5PubRecReasonCode.TOPIC_NAME_INVALID);
        // A broken payload on a topic that has a retained value neither replaces nor clears it.
        assertThat(pubAck(publisher, EDGE_TOPIC, utf8("{\"value\": 99}"), true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);

        assertThat(broker.retained().get(BERLIN_TOPIC)).isNull();
        assertThat(broker.retained().get(UNKNOWN_CLASS_TOPIC)).isNull();
        assertThat(new String(broker.retained().get(EDGE_TOPIC).payload())).contains("20");
        assertThat(broker.retained().matching("acme/#")).extracting(UnsMessage::topic)
                .containsExactlyInAnyOrder(retainedMarker, EDGE_TOPIC);

        // A fresh subscriber gets the retained messages right after its SUBACK, before anything published later.
        Mqtt5BlockingClient.Mqtt5Publishes fresh = subscriber("fresh", "acme/#");
        pubAck(publisher, RAW_TOPIC, utf8("live"), false);
        List<Mqtt5Publish> retained = receivedBefore(fresh, RAW_TOPIC);
        assertThat(topics(retained)).containsExactlyInAnyOrder(retainedMarker, EDGE_TOPIC);
        assertThat(retained).allSatisfy(p -> assertThat(p.isRetain()).isTrue());
        assertThat(retained).filteredOn(p -> p.getTopic().toString().equals(EDGE_TOPIC))
                .singleElement().satisfies(p -> assertThat(text(p)).contains("20"));
    }

    @Test
    @DisplayName("an empty retained payload clears a retained value even on a topic whose contract wants JSON")
    void emptyRetainedPayloadClearsWhateverTheContract() throws Exception {
        Mqtt5BlockingClient publisher = connectedV5("press-plc");
        pubAck(publisher, EDGE_TOPIC, value(20), true);
        assertThat(broker.retained().get(EDGE_TOPIC)).isNotNull();

        assertThat(pubAck(publisher, EDGE_TOPIC, new byte[0], true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
        assertThat(broker.retained().get(EDGE_TOPIC)).isNull();
        // Not retained, the empty payload is an ordinary message and breaks the uns-value contract.
        assertThat(pubAck(publisher, EDGE_TOPIC, new byte[0], false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
    }

    @Test
    @DisplayName("a retained value that a tightened model refuses can still be cleared, but not republished")
    void staleRetainedValuesCanBeClearedAfterTheModelIsTightened() throws Exception {
        Mqtt5BlockingClient publisher = connectedV5("press-plc");
        pubAck(publisher, RAW_TOPIC, utf8("old"), true);
        assertThat(broker.retained().get(RAW_TOPIC)).isNotNull();

        enforcer.install(compile(model("{}").replace("_raw: { payload: any }", "_log: { payload: any }")));

        assertThat(pubAck(publisher, RAW_TOPIC, utf8("again"), true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(pubAck(publisher, RAW_TOPIC, new byte[0], true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
        assertThat(broker.retained().get(RAW_TOPIC)).isNull();
        // Once it is gone, an empty retained message there is just another topic outside the model.
        assertThat(pubAck(publisher, RAW_TOPIC, new byte[0], true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(pubAck(publisher, BERLIN_TOPIC, new byte[0], true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
    }

    @Test
    @DisplayName("a refused QoS 0 message is dropped and the client stays connected (default policy)")
    void refusedQos0IsDroppedByDefault() throws Exception {
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");
        Mqtt5BlockingClient publisher = connectedV5("press-plc");

        publisher.publishWith().topic(BERLIN_TOPIC).qos(MqttQos.AT_MOST_ONCE).payload(value(1)).send();
        publisher.publishWith().topic(EDGE_TOPIC).qos(MqttQos.AT_MOST_ONCE).payload(utf8("{}")).send();
        publisher.publishWith().topic(EDGE_TOPIC).qos(MqttQos.AT_MOST_ONCE).payload(value(2)).send();

        // The accepted message after the two refused ones is the first to arrive: the refused ones went nowhere,
        // and the connection was still open when the broker read it.
        List<Mqtt5Publish> before = receivedBefore(all, EDGE_TOPIC);
        assertThat(topics(before)).isEmpty();
        assertThat(publisher.getState().isConnected()).isTrue();
        assertThat(broker.connection("press-plc")).isPresent();
        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(1);
        assertThat(enforcer.counters().count(Rule.PAYLOAD_SCHEMA)).isEqualTo(1);
        assertThat(pubAck(publisher, EDGE_TOPIC, value(3), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    }

    @Test
    @DisplayName("with onViolation mqtt5Qos0: disconnect, a refused QoS 0 message costs the connection: DISCONNECT 0x90")
    void refusedQos0DisconnectsWhenThePolicySaysSo() throws Exception {
        startHub(model("{mqtt5Qos0: disconnect}"));
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");
        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        Mqtt5BlockingClient publisher = v5("press-plc", b -> b.addDisconnectedListener(ctx -> {
            if (ctx.getSource() == MqttDisconnectSource.SERVER) {
                cause.complete(ctx.getCause());
            }
        }));
        publisher.connect();

        // QoS 1 and 2 publishers still learn the reason from their acknowledgement and keep the connection.
        assertThat(pubAck(publisher, BERLIN_TOPIC, value(1), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(publisher.getState().isConnected()).isTrue();

        publisher.publishWith().topic(BERLIN_TOPIC).qos(MqttQos.AT_MOST_ONCE).payload(value(2)).send();

        Throwable disconnect = cause.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(disconnect).isInstanceOfSatisfying(Mqtt5DisconnectException.class, e -> {
            assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.TOPIC_NAME_INVALID);
            assertThat(e.getMqttMessage().getReasonString()).hasValueSatisfying(reason ->
                    assertThat(reason.toString()).startsWith("UNS-E105"));
        });
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(publisher.getState().isConnected()).isFalse();
            assertThat(broker.connection("press-plc")).isEmpty();
        });
        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(2);

        // A QoS 0 payload breach disconnects with the payload's reason code, 0x83.
        CompletableFuture<Throwable> cause2 = new CompletableFuture<>();
        Mqtt5BlockingClient other = v5("mes-gw", b -> b.addDisconnectedListener(ctx -> {
            if (ctx.getSource() == MqttDisconnectSource.SERVER) {
                cause2.complete(ctx.getCause());
            }
        }));
        other.connect();
        other.publishWith().topic(MES_TOPIC).qos(MqttQos.AT_MOST_ONCE).payload(utf8("{\"order\": 1}")).send();
        assertThat(cause2.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOfSatisfying(Mqtt5DisconnectException.class, e -> assertThat(
                        e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.IMPLEMENTATION_SPECIFIC_ERROR));

        // Nothing refused was delivered to anyone.
        pubAck(connectedV5("checker"), EDGE_TOPIC, value(3), false);
        assertThat(topics(receivedBefore(all, EDGE_TOPIC))).isEmpty();
    }

    @Test
    @DisplayName("reserved topics pass without checks: spBv1.0/ from a client, $uns/ and $SYS/ in-process")
    void reservedTopicsAreNotChecked() throws Exception {
        Mqtt5BlockingClient.Mqtt5Publishes sparkplug = subscriber("scada", "spBv1.0/#", "$uns/#", "$SYS/uns/#");
        Mqtt5BlockingClient edgeNode = connectedV5("node1");

        // A Sparkplug NDATA is protobuf, not a UNS topic or a uns-value; the hub's Sparkplug host handles it.
        byte[] protobuf = {0x08, (byte) 0x96, 0x01, 0x12, 0x00};
        Mqtt5PubAck ndata = pubAck(edgeNode, "spBv1.0/acme/NDATA/node1", protobuf, false);
        assertThat(ndata.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        Mqtt5Publish received = next(sparkplug);
        assertThat(received.getTopic().toString()).isEqualTo("spBv1.0/acme/NDATA/node1");
        assertThat(received.getPayloadAsBytes()).isEqualTo(protobuf);

        PublishOutcome uns = broker.bus().publish(UnsMessage.of("$uns/x", utf8("not json"), 0, false,
                MessageProperties.NONE, Origin.internal("test")));
        assertThat(uns).isEqualTo(PublishOutcome.Routed.of(1));
        assertThat(text(next(sparkplug))).isEqualTo("not json");

        PublishOutcome sys = broker.bus().publish(UnsMessage.of("$SYS/uns/namespace", utf8("{\"revision\":\"it-1\"}"),
                0, true, MessageProperties.NONE, ViolationReporter.ORIGIN));
        assertThat(sys.accepted()).isTrue();
        assertThat(next(sparkplug).getTopic().toString()).isEqualTo("$SYS/uns/namespace");
        assertThat(broker.retained().get("$SYS/uns/namespace")).isNotNull();

        // The broker's own $SYS announcements pass the guard like every other publish.
        Mqtt5BlockingClient.Mqtt5Publishes sysWatch = subscriber("sys-watch", "$SYS/brokers/+/clients/#");
        connectedV5("newcomer");
        Mqtt5Publish announced = next(sysWatch);
        assertThat(announced.getTopic().toString()).startsWith("$SYS/brokers/").endsWith("/clients/newcomer/connected");

        assertThat(enforcer.counters().total()).isZero();
        assertThat(live.value("spBv1.0/acme/NDATA/node1")).isEmpty();
        assertThat(live.value("$uns/x")).isEmpty();
    }
}
