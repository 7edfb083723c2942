package io.unshub.namespace.enforce;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.unshub.namespace.check.Rule;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * MQTT 3.1.1 has no negative acknowledgement [MQTT-3.3.5-2]: by default a refused message is acknowledged
 * normally and dropped; with {@code onViolation: {mqtt311: disconnect}} the connection is closed instead.
 * Publisher: Eclipse Paho mqttv3.
 */
class NamespaceEnforcementMqtt3IT extends AbstractNamespaceIT {

    /** Completes with the cause when Paho loses its connection. */
    static final class LostConnection implements MqttCallback {
        final CompletableFuture<Throwable> lost = new CompletableFuture<>();

        @Override
        public void connectionLost(Throwable cause) {
            lost.complete(cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.5-2] default policy: a refused QoS 0/1/2 publish is acknowledged, delivered to nobody, the connection stays")
    void refusedPublishIsAcknowledgedAndDroppedByDefault() throws Exception {
        startHub();
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");
        LostConnection callback = new LostConnection();
        MqttClient plc = connectedPaho3("legacy-plc", callback);

        // Paho's publish returns only after the PUBACK (QoS 1) or PUBCOMP (QoS 2): the broker acknowledged normally.
        plc.publish(BERLIN_TOPIC, value(1), 1, false);
        plc.publish(UNKNOWN_CLASS_TOPIC, value(2), 2, true);
        plc.publish(EDGE_TOPIC, "not json".getBytes(), 1, false);
        plc.publish(BERLIN_TOPIC, value(3), 0, false);

        // The same client's next accepted message is the first anyone receives; nothing was retained.
        plc.publish(EDGE_TOPIC, value(4), 1, false);
        assertThat(topics(receivedBefore(all, EDGE_TOPIC))).isEmpty();
        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(2);
        assertThat(enforcer.counters().count(Rule.CLASS_UNKNOWN)).isEqualTo(1);
        assertThat(enforcer.counters().count(Rule.PAYLOAD_FORMAT)).isEqualTo(1);
        assertThat(broker.retained().get(UNKNOWN_CLASS_TOPIC)).isNull();
        assertThat(plc.isConnected()).isTrue();
        assertThat(callback.lost).isNotDone();
        assertThat(broker.connection("legacy-plc")).isPresent();
    }

    @Test
    @DisplayName("[MQTT-3.3.5-2] onViolation mqtt311: disconnect closes the connection of a client that publishes outside the model")
    void refusedPublishClosesTheConnectionWhenThePolicySaysSo() throws Exception {
        startHub(model("{mqtt311: disconnect}"));
        Mqtt5BlockingClient.Mqtt5Publishes all = subscriber("watch-all", "#");
        LostConnection callback = new LostConnection();
        MqttClient plc = connectedPaho3("legacy-plc", callback);

        // Accepted messages flow as usual.
        plc.publish(EDGE_TOPIC, value(1), 1, false);
        assertThat(text(next(all))).contains("\"value\": 1");

        Throwable refused = catchThrowable(() -> plc.publish(BERLIN_TOPIC, value(2), 1, false));
        assertThat(refused).as("a QoS 1 publish the broker answers by closing the connection")
                .isInstanceOf(MqttException.class);
        assertThat(callback.lost.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(plc.isConnected()).isFalse();
            assertThat(broker.connection("legacy-plc")).isEmpty();
        });
        assertThat(enforcer.counters().count(Rule.NOT_IN_TREE)).isEqualTo(1);

        // QoS 0 too.
        LostConnection callback2 = new LostConnection();
        MqttClient other = connectedPaho3("legacy-plc-2", callback2);
        // MqttTopic.publish does not wait for the token: at QoS 0 Paho may never complete it when the broker
        // closes the connection right after reading the message.
        MqttMessage qos0 = new MqttMessage("{\"value\": 1}".getBytes());
        qos0.setQos(0);
        other.getTopic(EDGE_TOPIC).publish(qos0);
        assertThat(callback2.lost.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
        assertThat(enforcer.counters().count(Rule.PAYLOAD_SCHEMA)).isEqualTo(1);

        // The policy is for MQTT 3.1.1 only: an MQTT 5 client gets its PUBACK 0x90 and keeps the connection.
        Mqtt5BlockingClient v5 = connectedV5("modern-plc");
        assertThat(pubAck(v5, BERLIN_TOPIC, value(3), false).getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(v5.getState().isConnected()).isTrue();

        // Nothing refused reached the subscriber.
        pubAck(v5, EDGE_TOPIC, value(4), false);
        assertThat(topics(receivedBefore(all, EDGE_TOPIC))).isEmpty();
    }
}
