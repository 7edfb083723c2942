package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A subscription policy refuses filters per filter in the SUBACK; the connection and other filters go on. */
@ExtendWith(NoLeaks.class)
class SubscriptionPolicyIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    @BeforeEach
    void refuseEverythingFilter() {
        fixture.start(BrokerFixture.baseConfig(), (clientId, filter) -> filter.equals("#") ? 0x87 : 0);
    }

    @Test
    @DisplayName("[MQTT-3.9.3-1] a refused filter gets 0x87 in MQTT 5, the others in the same SUBSCRIBE are granted")
    void refusedFilterInMqtt5() throws Exception {
        Mqtt5BlockingClient client = clients.connectedV5("policy-v5");
        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class, () -> client.subscribeWith()
                .addSubscription().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("plant/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send());
        assertThat(refused.getMqttMessage().getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, Mqtt5SubAckReasonCode.GRANTED_QOS_1);

        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            clients.connectedV5("policy-pub").publishWith().topic("plant/x").payload(utf8("ok")).send();
            assertThat(text(next(publishes))).isEqualTo("ok");
        }
        assertThat(fixture.broker().subscriptions().snapshot()).extracting(s -> s.filter()).containsExactly("plant/#");
    }

    @Test
    @DisplayName("[MQTT-3.9.3-1] a refused filter gets 0x80 (failure) in MQTT 3.1.1")
    void refusedFilterInMqtt311() {
        Mqtt3SubAckException refused = catchThrowableOfType(Mqtt3SubAckException.class, () ->
                clients.connectedV3("policy-v3").subscribeWith().topicFilter("#").qos(MqttQos.AT_MOST_ONCE).send());
        assertThat(refused.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE);
        assertThat(fixture.broker().connection("policy-v3")).isPresent(); // refusing a filter keeps the connection
    }
}
