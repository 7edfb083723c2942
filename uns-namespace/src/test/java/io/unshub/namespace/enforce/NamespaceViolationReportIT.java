package io.unshub.namespace.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.check.Rule;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every violation is reported to whoever needs to know, not only to the publisher: a JSON message on
 * {@code $uns/violations/<clientId>} naming topic, client, rule and reason, for network and in-process
 * publishers alike, and a counter per rule.
 */
class NamespaceViolationReportIT extends AbstractNamespaceIT {

    @Test
    @DisplayName("network publishers: a JSON report on $uns/violations/<clientId> per violation, counters per rule")
    void networkViolationsAreReported() throws Exception {
        startHub();
        Mqtt5BlockingClient.Mqtt5Publishes reports = subscriber("ops-dashboard", "$uns/violations/#");
        Mqtt5BlockingClient plc = connectedV5("press-plc-7");

        assertThat(pubAck(plc, BERLIN_TOPIC, value(1), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        Mqtt5Publish first = next(reports);
        assertThat(first.getTopic().toString()).isEqualTo("$uns/violations/press-plc-7");
        assertThat(first.isRetain()).isFalse();
        JsonNode report = json(first);
        assertThat(report.path("topic").asText()).isEqualTo(BERLIN_TOPIC);
        assertThat(report.path("clientId").asText()).isEqualTo("press-plc-7");
        assertThat(report.path("origin").asText()).isEqualTo("client");
        assertThat(report.path("rule").asText()).isEqualTo("UNS-E105");
        assertThat(report.path("ruleName").asText()).isEqualTo("not-in-tree");
        assertThat(report.path("reasonCode").asInt()).isEqualTo(0x90);
        assertThat(report.path("reason").asText()).startsWith("UNS-E105").contains("berlin");
        assertThat(report.path("qos").asInt()).isEqualTo(1);
        assertThat(report.path("revision").asText()).isEqualTo("it-1");

        assertThat(pubAck(plc, MES_TOPIC, utf8("{\"order\": \"17\", \"quantity\": 2}"), true).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        JsonNode payloadReport = json(next(reports));
        assertThat(payloadReport.path("topic").asText()).isEqualTo(MES_TOPIC);
        assertThat(payloadReport.path("rule").asText()).isEqualTo("UNS-E203");
        assertThat(payloadReport.path("reasonCode").asInt()).isEqualTo(0x83);
        assertThat(payloadReport.path("reason").asText()).startsWith("UNS-E203").contains("work-order");
        assertThat(payloadReport.path("retain").asBoolean()).isTrue();

        // A silently dropped MQTT 3.1.1 violation is reported too: that is how anyone can debug it.
        MqttClient legacy = connectedPaho3("legacy-plc", null);
        legacy.publish(UNKNOWN_CLASS_TOPIC, value(2), 1, false);
        Mqtt5Publish legacyReport = next(reports);
        assertThat(legacyReport.getTopic().toString()).isEqualTo("$uns/violations/legacy-plc");
        assertThat(json(legacyReport).path("rule").asText()).isEqualTo("UNS-E107");
        assertThat(json(legacyReport).path("clientId").asText()).isEqualTo("legacy-plc");

        assertThat(pubAck(plc, "acme/monterrey/press/line9/_edge/x", value(3), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(json(next(reports)).path("rule").asText()).isEqualTo("UNS-E105");

        // A client id with characters a topic level cannot carry: they become '_' in the report topic only.
        Mqtt5BlockingClient slashed = connectedV5("press/plc+8");
        pubAck(slashed, BERLIN_TOPIC, value(4), false);
        Mqtt5Publish slashedReport = next(reports);
        assertThat(slashedReport.getTopic().toString()).isEqualTo("$uns/violations/press_plc_8");
        assertThat(json(slashedReport).path("clientId").asText()).isEqualTo("press/plc+8");

        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(3);
        assertThat(enforcer.counters().count(Rule.PAYLOAD_SCHEMA)).isEqualTo(1);
        assertThat(enforcer.counters().count(Rule.CLASS_UNKNOWN)).isEqualTo(1);
        assertThat(enforcer.counters().total()).isEqualTo(5);
        nothingMore(reports);
    }

    @Test
    @DisplayName("in-process publishers: publish() returns Rejected(0x90 / 0x83), a report names the component, counters count it")
    void inProcessViolationsAreRejectedAndReported() throws Exception {
        startHub();
        Mqtt5BlockingClient.Mqtt5Publishes reports = subscriber("ops-dashboard", "$uns/violations/#");
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");
        Origin bridge = Origin.internal("opcua-bridge");

        PublishOutcome outcome = broker.bus().publish(UnsMessage.of(BERLIN_TOPIC, value(1), 1, true,
                MessageProperties.NONE, bridge));
        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome).isInstanceOfSatisfying(PublishOutcome.Rejected.class, rejected -> {
            assertThat(rejected.reasonCode()).isEqualTo(0x90);
            assertThat(rejected.reason()).startsWith("UNS-E105");
        });
        JsonNode report = json(next(reports));
        assertThat(report.path("topic").asText()).isEqualTo(BERLIN_TOPIC);
        assertThat(report.path("clientId").asText()).isEqualTo("opcua-bridge");
        assertThat(report.path("origin").asText()).isEqualTo("internal");
        assertThat(report.path("rule").asText()).isEqualTo("UNS-E105");
        assertThat(report.path("reason").asText()).startsWith("UNS-E105");
        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(1);

        PublishOutcome badValue = broker.bus().publish(UnsMessage.of(EDGE_TOPIC, utf8("{\"value\": 1, \"quality\": \"meh\"}"),
                1, false, MessageProperties.NONE, bridge));
        assertThat(badValue).isInstanceOfSatisfying(PublishOutcome.Rejected.class, rejected -> {
            assertThat(rejected.reasonCode()).isEqualTo(0x83);
            assertThat(rejected.reason()).startsWith("UNS-E203");
        });
        Mqtt5Publish badValueReport = next(reports);
        assertThat(badValueReport.getTopic().toString()).isEqualTo("$uns/violations/opcua-bridge");
        assertThat(json(badValueReport).path("rule").asText()).isEqualTo("UNS-E203");
        assertThat(enforcer.counters().count(Rule.PAYLOAD_SCHEMA)).isEqualTo(1);

        // The bridge's good values pass; the refused ones went nowhere and were not retained.
        PublishOutcome good = broker.bus().publish(UnsMessage.of(EDGE_TOPIC, value(5), 1, false,
                MessageProperties.NONE, bridge));
        assertThat(good).isEqualTo(PublishOutcome.Routed.of(1));
        assertThat(topics(receivedBefore(all, EDGE_TOPIC))).isEmpty();
        assertThat(broker.retained().get(BERLIN_TOPIC)).isNull();
        nothingMore(reports);
    }

    @Test
    @DisplayName("MQTT 5: a will outside the model or breaking its contract is refused at CONNECT (CONNACK 0x90 / 0x83) and reported with origin 'will'")
    void mqtt5WillOutsideTheModelIsRefusedAtConnect() throws Exception {
        startHub();
        Mqtt5BlockingClient.Mqtt5Publishes reports = subscriber("ops-dashboard", "$uns/violations/#");
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");

        Mqtt5ConnAckException badTopic = catchThrowableOfType(Mqtt5ConnAckException.class,
                () -> connectV5WithWill("bad-will", BERLIN_TOPIC, value(0)));
        assertThat(badTopic.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(badTopic.getMqttMessage().getReasonString()).hasValueSatisfying(reason ->
                assertThat(reason.toString()).contains("UNS-E105"));
        JsonNode report = json(next(reports));
        assertThat(report.path("topic").asText()).isEqualTo(BERLIN_TOPIC);
        assertThat(report.path("clientId").asText()).isEqualTo("bad-will");
        assertThat(report.path("origin").asText()).isEqualTo("will");
        assertThat(report.path("rule").asText()).isEqualTo("UNS-E105");

        Mqtt5ConnAckException badPayload = catchThrowableOfType(Mqtt5ConnAckException.class,
                () -> connectV5WithWill("bad-will-payload", EDGE_TOPIC, utf8("offline")));
        assertThat(badPayload.getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5ConnAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        JsonNode payloadReport = json(next(reports));
        assertThat(payloadReport.path("clientId").asText()).isEqualTo("bad-will-payload");
        assertThat(payloadReport.path("rule").asText()).isEqualTo("UNS-E202");
        assertThat(broker.connection("bad-will")).isEmpty();
        assertThat(broker.connection("bad-will-payload")).isEmpty();

        // A will inside the model is accepted and published when its client goes.
        connectV5WithWill("good-will", EDGE_TOPIC, value(-1));
        assertThat(broker.disconnect("good-will")).isTrue();
        Mqtt5Publish will = next(all);
        assertThat(will.getTopic().toString()).isEqualTo(EDGE_TOPIC);
        assertThat(text(will)).contains("-1");
        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(1);
        assertThat(enforcer.counters().count(Rule.PAYLOAD_FORMAT)).isEqualTo(1);
        assertThat(enforcer.counters().total()).isEqualTo(2);
    }

    @Test
    @DisplayName("MQTT 3.1.1: a will outside the model is dropped at CONNECT by default (connected, reported), refused with mqtt311: disconnect")
    void mqtt311WillOutsideTheModel() throws Exception {
        startHub();
        Mqtt5BlockingClient.Mqtt5Publishes reports = subscriber("ops-dashboard", "$uns/violations/#");
        MqttClient legacy = connectedPaho3WithWill("legacy-will", BERLIN_TOPIC);
        assertThat(legacy.isConnected()).isTrue();
        JsonNode report = json(next(reports));
        assertThat(report.path("clientId").asText()).isEqualTo("legacy-will");
        assertThat(report.path("origin").asText()).isEqualTo("will");
        assertThat(report.path("rule").asText()).isEqualTo("UNS-E105");

        startHub(model("{mqtt311: disconnect}"));
        assertThat(catchThrowable(() -> connectedPaho3WithWill("legacy-will-2", BERLIN_TOPIC)))
                .isInstanceOf(org.eclipse.paho.client.mqttv3.MqttException.class);
        assertThat(broker.connection("legacy-will-2")).isEmpty();
        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(1);
    }

    private void connectV5WithWill(String id, String topic, byte[] payload) {
        v5(id, b -> b).connectWith().willPublish().topic(topic).payload(payload)
                .qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE).applyWillPublish().send();
    }

    private MqttClient connectedPaho3WithWill(String id, String willTopic) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.tcpPort(), id,
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        track(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 500);
            }
            client.close(true);
        });
        org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        options.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        options.setWill(willTopic, value(0), 1, false);
        client.connect(options);
        return client;
    }

    @Test
    @DisplayName("onViolation report: false: the publisher still gets 0x90 and the counter counts, but nothing is published")
    void reportsCanBeSwitchedOff() throws Exception {
        startHub(model("{report: false}"));
        Mqtt5BlockingClient.Mqtt5Publishes reports = subscriber("ops-dashboard", "$uns/violations/#");
        Mqtt5BlockingClient plc = connectedV5("press-plc-7");

        assertThat(pubAck(plc, BERLIN_TOPIC, value(1), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(broker.bus().publish(UnsMessage.of(BERLIN_TOPIC, value(1), 0, false, MessageProperties.NONE,
                Origin.internal("opcua-bridge"))).accepted()).isFalse();
        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(2);

        // A report would have been routed inline, before the PUBACK and before this marker.
        broker.bus().publish(UnsMessage.of("$uns/violations/marker", utf8("{}"), 0, false, MessageProperties.NONE,
                Origin.internal("test")));
        assertThat(topics(receivedBefore(reports, "$uns/violations/marker"))).isEmpty();
    }
}
