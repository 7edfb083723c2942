package io.unshub.namespace.enforce;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.live.LiveNamespace;
import io.unshub.namespace.live.TopicValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live namespace as the broker's publish tap: it sees every accepted message inline (before the
 * PUBACK goes out), keeps the last payload and a count per topic, and never sees a refused message.
 */
class NamespaceLiveTapIT extends AbstractNamespaceIT {

    @BeforeEach
    void start() {
        startHub();
    }

    private static String last(TopicValue value) {
        return new String(value.last().payload(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("after accepted publishes live.value(topic) has the last payload and the count, by the time the PUBACK arrives")
    void acceptedPublishesUpdateTheLiveNamespace() throws Exception {
        Mqtt5BlockingClient plc = connectedV5("press-plc");

        pubAck(plc, EDGE_TOPIC, value(20.5), false);
        pubAck(plc, EDGE_TOPIC, value(21.5), true);
        pubRec(plc, RAW_TOPIC, new byte[] {1, 2, 3}, false);

        TopicValue edge = live.value(EDGE_TOPIC).orElseThrow();
        assertThat(edge.messageCount()).isEqualTo(2);
        assertThat(last(edge)).contains("21.5");
        assertThat(edge.last().origin()).isEqualTo(Origin.client("press-plc"));
        assertThat(edge.last().retain()).isTrue();
        assertThat(live.value(RAW_TOPIC).orElseThrow().last().payload()).containsExactly(1, 2, 3);
        assertThat(live.size()).isEqualTo(2);

        // In-process publishers feed it through the same funnel.
        broker.bus().publish(UnsMessage.of(EDGE_TOPIC, value(22.5), 0, false, MessageProperties.NONE,
                Origin.internal("opcua-bridge")));
        assertThat(live.value(EDGE_TOPIC).orElseThrow().messageCount()).isEqualTo(3);
        assertThat(live.value(EDGE_TOPIC).orElseThrow().last().origin()).isEqualTo(Origin.internal("opcua-bridge"));

        // The path tree for browsing.
        assertThat(live.children("acme/dallas/press/line1/cell1").orElseThrow()).extracting(LiveNamespace.Node::name)
                .containsExactly("_edge");
        assertThat(live.values("acme/#", null, 10)).extracting(TopicValue::topic)
                .containsExactly(EDGE_TOPIC, RAW_TOPIC);
    }

    @Test
    @DisplayName("refused messages never reach the live namespace: not a new topic, not a new last value, not a count")
    void refusedMessagesAreNotInTheLiveNamespace() throws Exception {
        Mqtt5BlockingClient plc = connectedV5("press-plc");
        pubAck(plc, EDGE_TOPIC, value(20.5), false);

        assertThat(pubAck(plc, BERLIN_TOPIC, value(1), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        // A topic the model accepts with a payload that breaks the contract: the tap would track the topic.
        assertThat(pubAck(plc, MES_TOPIC, utf8("{\"order\": \"wo-1\"}"), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        assertThat(pubAck(plc, EDGE_TOPIC, utf8("{\"value\": \"broken\"}"), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        plc.publishWith().topic(EDGE_TOPIC).qos(MqttQos.AT_MOST_ONCE).payload(utf8("nope")).send();
        assertThat(broker.bus().publish(UnsMessage.of("acme/dallas/press/line7/_edge/x", value(1), 0, false,
                MessageProperties.NONE, Origin.internal("opcua-bridge"))).accepted()).isFalse();
        // Reserved topics are accepted but are not part of the namespace.
        assertThat(pubAck(plc, "spBv1.0/acme/NDATA/node1", new byte[] {8, 1}, false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
        // A QoS 1 publish after the QoS 0 one: when its PUBACK is back, the QoS 0 one was handled.
        pubAck(plc, RAW_TOPIC, utf8("after"), false);

        assertThat(live.value(BERLIN_TOPIC)).isEmpty();
        assertThat(live.value(MES_TOPIC)).isEmpty();
        assertThat(live.value("acme/dallas/press/line7/_edge/x")).isEmpty();
        assertThat(live.value("spBv1.0/acme/NDATA/node1")).isEmpty();
        TopicValue edge = live.value(EDGE_TOPIC).orElseThrow();
        assertThat(edge.messageCount()).isEqualTo(1);
        assertThat(last(edge)).contains("20.5");
        assertThat(live.children("acme").orElseThrow()).extracting(LiveNamespace.Node::name)
                .containsExactly("dallas", "monterrey");
        assertThat(live.size()).isEqualTo(2);
        assertThat(enforcer.counters().total()).isEqualTo(5);
    }

    @Test
    @DisplayName("after a model swap (as the hub does it: install, then retainTracked) refused topics leave the live namespace")
    void modelSwapForgetsTopicsTheNewModelRefuses() throws Exception {
        Mqtt5BlockingClient plc = connectedV5("press-plc");
        pubAck(plc, EDGE_TOPIC, value(1), false);
        pubAck(plc, RAW_TOPIC, utf8("x"), false);
        assertThat(live.size()).isEqualTo(2);

        enforcer.install(compile(model("{}").replace("    _raw: { payload: any }\n", "")));
        assertThat(live.retainTracked()).isEqualTo(1);

        assertThat(live.value(RAW_TOPIC)).isEmpty();
        assertThat(live.value(EDGE_TOPIC)).isPresent();
        assertThat(pubAck(plc, RAW_TOPIC, utf8("y"), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(live.value(RAW_TOPIC)).isEmpty();
        assertThat(live.children("acme/monterrey").orElse(java.util.List.of())).isEmpty();
    }
}
