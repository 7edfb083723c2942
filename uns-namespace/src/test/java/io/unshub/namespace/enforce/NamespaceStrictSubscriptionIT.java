package io.unshub.namespace.enforce;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.unshub.broker.routing.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode.GRANTED_QOS_1;
import static com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode.TOPIC_FILTER_INVALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Strict subscriptions ({@code onViolation: {strictSubscriptions: true}}): a filter that can never match a
 * topic the model accepts is refused per filter in the SUBACK (MQTT 5 0x8F, MQTT 3.1.1 0x80); filters that
 * can match, wildcards, reserved and shared ones are granted. Without strict mode every filter is granted.
 */
class NamespaceStrictSubscriptionIT extends AbstractNamespaceIT {

    static final String STRICT = "{strictSubscriptions: true}";
    /** In SUBSCRIBE order; the first two can never match the model. */
    static final List<String> FILTERS = List.of("acme/berlin/#", "acme/dallas/press/_nope/#", "acme/+/press/#", "#",
            "$SYS/#", "$share/g/acme/dallas/#");

    private static Mqtt5Subscribe subscribeAll() {
        return Mqtt5Subscribe.builder().addSubscriptions(FILTERS.stream()
                .map(filter -> Mqtt5Subscription.builder().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).build())
                .toList()).build();
    }

    private List<String> subscribedFilters() {
        return broker.subscriptions().snapshot().stream().map(Subscription::filter).toList();
    }

    @Test
    @DisplayName("strict, MQTT 5: SUBACK 0x8F for filters that can never match, granted QoS for the others")
    void strictMqtt5RefusesFiltersThatCanNeverMatch() throws Exception {
        startHub(model(STRICT));
        Mqtt5BlockingClient client = connectedV5("dashboard");

        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class,
                () -> client.subscribe(subscribeAll()));

        assertThat(refused.getMqttMessage().getReasonCodes()).containsExactly(TOPIC_FILTER_INVALID, TOPIC_FILTER_INVALID,
                GRANTED_QOS_1, GRANTED_QOS_1, GRANTED_QOS_1, GRANTED_QOS_1);
        assertThat(TOPIC_FILTER_INVALID.getCode()).isEqualTo(0x8F);
        assertThat(subscribedFilters()).contains("acme/+/press/#", "#", "$SYS/#")
                .doesNotContain("acme/berlin/#", "acme/dallas/press/_nope/#");
        // Refusing a filter keeps the connection, and the granted filters work.
        assertThat(client.getState().isConnected()).isTrue();
        var publishes = client.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
        try (publishes) {
            pubAck(connectedV5("plc"), "acme/monterrey/press/line1/_raw/x", utf8("hi"), false);
            // Before it, only what $SYS/# brings (the broker announces client connections there).
            assertThat(topics(receivedBefore(publishes, "acme/monterrey/press/line1/_raw/x")))
                    .allSatisfy(topic -> assertThat(topic).startsWith("$SYS/"));
        }
    }

    @Test
    @DisplayName("strict, MQTT 3.1.1: SUBACK 0x80 (failure) for a filter that can never match, granted for one that can")
    void strictMqtt311RefusesWith0x80() {
        startHub(model(STRICT));
        var client = connectedV3("legacy-dashboard");

        Mqtt3SubAckException refused = catchThrowableOfType(Mqtt3SubAckException.class, () -> client.subscribeWith()
                .addSubscription().topicFilter("acme/berlin/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("acme/+/press/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send());

        assertThat(refused.getMqttMessage().getReturnCodes())
                .containsExactly(Mqtt3SubAckReturnCode.FAILURE, Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
        assertThat(Mqtt3SubAckReturnCode.FAILURE.getCode()).isEqualTo(0x80);
        assertThat(broker.connection("legacy-dashboard")).isPresent();
    }

    @Test
    @DisplayName("not strict (default): the same filters are all granted, in MQTT 5 and MQTT 3.1.1")
    void withoutStrictModeEveryFilterIsGranted() {
        startHub();
        Mqtt5SubAck subAck = connectedV5("dashboard").subscribe(subscribeAll());
        assertThat(subAck.getReasonCodes()).containsOnly(GRANTED_QOS_1).hasSize(FILTERS.size());

        Mqtt3SubAck subAck3 = connectedV3("legacy-dashboard").subscribeWith()
                .addSubscription().topicFilter("acme/berlin/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("acme/dallas/press/_nope/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send();
        assertThat(subAck3.getReturnCodes()).containsOnly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
        assertThat(subscribedFilters()).contains("acme/berlin/#", "acme/dallas/press/_nope/#");
    }

    @Test
    @DisplayName("strict, MQTT 5: wildcards are followed through levels, tree, classes and tag-path depth")
    void strictFollowsWildcardsThroughTheModel() throws Exception {
        startHub(model(STRICT));
        Mqtt5BlockingClient client = connectedV5("dashboard");
        java.util.Map<String, Mqtt5SubAckReasonCode> expected = new java.util.LinkedHashMap<>();
        expected.put("acme/+/welding/#", TOPIC_FILTER_INVALID);                 // no site has an area 'welding'
        expected.put("acme/monterrey/press/line2/#", TOPIC_FILTER_INVALID);     // line2 is only in dallas
        expected.put("$share/g/acme/berlin/#", TOPIC_FILTER_INVALID);           // shared: the filter after the group
        expected.put("acme/dallas/press/_edge/a/b/c/d/e/f/g/h/i", TOPIC_FILTER_INVALID); // 9 tag segments, at most 8
        expected.put("acme/dallas/press/line1/cell1/cell2/_edge/#", TOPIC_FILTER_INVALID); // more levels than the model
        expected.put("+/+/+/_edge/#", GRANTED_QOS_1);
        expected.put("acme/+/+/+/+/_mes/+", GRANTED_QOS_1);
        expected.put("acme/monterrey/assembly/line3/cell4/_raw/x", GRANTED_QOS_1);
        expected.put("+/#", GRANTED_QOS_1);
        expected.put("spBv1.0/acme/#", GRANTED_QOS_1);                         // reserved: never checked
        expected.put("$uns/violations/#", GRANTED_QOS_1);

        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class, () -> client.subscribe(
                Mqtt5Subscribe.builder().addSubscriptions(expected.keySet().stream().map(filter -> Mqtt5Subscription
                        .builder().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).build()).toList()).build()));

        java.util.Map<String, Mqtt5SubAckReasonCode> actual = new java.util.LinkedHashMap<>();
        List<String> filters = List.copyOf(expected.keySet());
        for (int i = 0; i < filters.size(); i++) {
            actual.put(filters.get(i), refused.getMqttMessage().getReasonCodes().get(i));
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    @DisplayName("strict mode follows the installed model: after a swap that adds site berlin, acme/berlin/# is granted")
    void strictModeFollowsTheInstalledModel() throws Exception {
        startHub(model(STRICT));
        Mqtt5BlockingClient client = connectedV5("dashboard");
        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class, () ->
                client.subscribeWith().topicFilter("acme/berlin/#").qos(MqttQos.AT_LEAST_ONCE).send());
        assertThat(refused.getMqttMessage().getReasonCodes()).containsExactly(TOPIC_FILTER_INVALID);

        enforcer.install(compile(model(STRICT)
                .replace("values: [dallas, monterrey]", "values: [dallas, monterrey, berlin]")
                .replace("      monterrey:\n", "      berlin:\n        press: { line1: [cell1] }\n      monterrey:\n")));

        Mqtt5SubAck granted = client.subscribeWith().topicFilter("acme/berlin/#").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(granted.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    }
}
