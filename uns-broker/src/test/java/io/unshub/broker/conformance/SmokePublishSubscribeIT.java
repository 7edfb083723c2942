package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.NoLeaks;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Clients we did not write exchange messages through the broker at every QoS, across protocol versions. */
@ExtendWith(NoLeaks.class)
class SmokePublishSubscribeIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();

    @Test
    void mqtt5PublisherReachesMqtt311AndPahoSubscribersAtEachQos() throws Exception {
        Mqtt3BlockingClient v3 = Mqtt3Client.builder().identifier("sub-v3").serverHost("127.0.0.1")
                .serverPort(fixture.port()).buildBlocking();
        v3.connect();
        var v3Publishes = v3.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
        v3.subscribeWith().topicFilter("plant/+/temp").qos(MqttQos.EXACTLY_ONCE).send();

        MqttClient paho = new MqttClient(fixture.tcpUri(), "sub-paho", new MemoryPersistence());
        BlockingQueue<String> pahoReceived = new LinkedBlockingQueue<>();
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        paho.connect(options);
        paho.subscribe("plant/#", 1, (topic, message) -> pahoReceived.add(topic + "=" + new String(message.getPayload(),
                StandardCharsets.UTF_8) + "@" + message.getQos()));

        Mqtt5BlockingClient publisher = Mqtt5Client.builder().identifier("pub-v5").serverHost("127.0.0.1")
                .serverPort(fixture.port()).buildBlocking();
        publisher.connect();
        for (MqttQos qos : MqttQos.values()) {
            publisher.publishWith().topic("plant/press1/temp").qos(qos)
                    .payload(("t" + qos.getCode()).getBytes(StandardCharsets.UTF_8)).send();
        }

        for (int qos = 0; qos <= 2; qos++) {
            Optional<com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish> received = v3Publishes.receive(5, TimeUnit.SECONDS);
            assertThat(received).isPresent();
            assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("t" + qos);
            assertThat(received.get().getQos().getCode()).isEqualTo(qos); // min(publish QoS, granted 2)
        }
        for (int qos = 0; qos <= 2; qos++) {
            // Granted QoS 1 caps delivery [MQTT-3.8.4-8].
            assertThat(pahoReceived.poll(5, TimeUnit.SECONDS)).isEqualTo("plant/press1/temp=t" + qos + "@" + Math.min(qos, 1));
        }
        publisher.disconnect();
        v3.disconnect();
        paho.disconnect();
        paho.close();
    }

    @Test
    void mqtt5SubscriberReceivesOverWebSocket() throws Exception {
        Mqtt5BlockingClient subscriber = Mqtt5Client.builder().identifier("ws-sub").serverHost("127.0.0.1")
                .serverPort(fixture.wsPort()).webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("ws/test").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient publisher = Mqtt5Client.builder().identifier("tcp-pub").serverHost("127.0.0.1")
                    .serverPort(fixture.port()).buildBlocking();
            publisher.connect();
            publisher.publishWith().topic("ws/test").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[20_000]).send();
            Optional<Mqtt5Publish> received = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(received).isPresent();
            assertThat(received.get().getPayloadAsBytes()).hasSize(20_000);
            publisher.disconnect();
        }
        subscriber.disconnect();
    }
}
