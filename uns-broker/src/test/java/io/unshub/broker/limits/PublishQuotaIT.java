package io.unshub.broker.limits;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-client publish quotas (issue 3, "Limits"): publishes per second and payload bytes per second. Over the
 * quota an MQTT 5 QoS 1/2 publish is answered 0x97 (quota exceeded), QoS 0 and MQTT 3.1.1 are dropped (3.1.1
 * acknowledged), or the client is disconnected when configured. The quota refills with time.
 */
@ExtendWith(NoLeaks.class)
class PublishQuotaIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(300);

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private static ClientLimits quota(int perSecond, long bytesPerSecond, boolean disconnect) {
        return new ClientLimits(0, 0, 0, perSecond, bytesPerSecond, disconnect, 0, 0, 0);
    }

    private long hits(LimitHit limit) {
        return fixture.broker().metrics().limitHits(limit);
    }

    /** Messages the subscriber received until nothing more came for {@link #QUIET}. */
    private static int drain(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        int received = 0;
        while (true) {
            Optional<Mqtt5Publish> next = publishes.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS);
            if (next.isEmpty()) {
                return received;
            }
            received++;
        }
    }

    /** The most a bucket of {@code perSecond} (starting full) lets through in {@code nanos}. */
    private static int allowance(double perSecond, long nanos) {
        return (int) Math.floor(perSecond + perSecond * nanos / 1e9);
    }

    @Test
    @DisplayName("MQTT 5 QoS 1 beyond 5 publishes/s: PUBACK 0x97, only accepted ones are delivered, the quota refills")
    void mqtt5Qos1OverMessageQuota() throws Exception {
        fixture.restart(c -> c.withClientLimits(quota(5, 0, false)));
        Mqtt5BlockingClient subscriber = clients.connectedV5("quota-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("quota/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient publisher = clients.connectedV5("quota-pub");
            int accepted = 0;
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                try {
                    publisher.publishWith().topic("quota/" + i).qos(MqttQos.AT_LEAST_ONCE).send();
                    accepted++;
                } catch (Mqtt5PubAckException e) {
                    assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
                }
            }
            long elapsed = System.nanoTime() - start;
            assertThat(accepted).isBetween(5, allowance(5, elapsed));
            assertThat(hits(LimitHit.PUBLISH_RATE)).isEqualTo(20 - accepted);
            assertThat(drain(publishes)).as("delivered").isEqualTo(accepted);
            assertThat(publisher.getState().isConnected()).isTrue();

            // a fifth of a second later there is a token again
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).ignoreException(Mqtt5PubAckException.class)
                    .until(() -> publisher.publishWith().topic("quota/later").qos(MqttQos.AT_LEAST_ONCE).send() != null);
        }
    }

    @Test
    @DisplayName("MQTT 5 beyond 1000 payload bytes/s: 0x97; a message larger than a second's worth passes on a full bucket and leaves a debt")
    void mqtt5OverByteQuota() throws Exception {
        fixture.restart(c -> c.withClientLimits(quota(0, 1000, false)));
        Mqtt5BlockingClient publisher = clients.connectedV5("bytes-pub");
        int accepted = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            try {
                publisher.publishWith().topic("bytes/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[300]).send();
                accepted++;
            } catch (Mqtt5PubAckException e) {
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
            }
        }
        long elapsed = System.nanoTime() - start;
        assertThat(accepted).isBetween(3, allowance(1000, elapsed) / 300);
        assertThat(hits(LimitHit.PUBLISH_BYTES)).isEqualTo(10 - accepted);

        // 2,500 bytes never fit in a bucket of 1,000: accepted once the bucket is full again, then it is in debt
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreException(Mqtt5PubAckException.class)
                .until(() -> publisher.publishWith().topic("bytes/large").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(new byte[2_500]).send() != null);
        long refused = hits(LimitHit.PUBLISH_BYTES);
        try {
            publisher.publishWith().topic("bytes/after").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[1]).send();
        } catch (Mqtt5PubAckException e) {
            assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
        }
        assertThat(hits(LimitHit.PUBLISH_BYTES)).as("the debt of 1,500 bytes takes 1.5 s to repay").isEqualTo(refused + 1);
    }

    @Test
    @DisplayName("MQTT 5 QoS 0 beyond the quota is dropped silently; the client stays connected")
    void mqtt5Qos0OverQuotaIsDropped() throws Exception {
        fixture.restart(c -> c.withClientLimits(quota(5, 0, false)));
        Mqtt5BlockingClient subscriber = clients.connectedV5("qos0-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("qos0/#").send();
            Mqtt5BlockingClient publisher = clients.connectedV5("qos0-pub");
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                publisher.publishWith().topic("qos0/" + i).send();
            }
            // a QoS 1 publish behind them: once it is acknowledged, the broker has handled every QoS 0 before it
            try {
                publisher.publishWith().topic("qos0/last").qos(MqttQos.AT_LEAST_ONCE).send();
            } catch (Mqtt5PubAckException e) {
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
            }
            long elapsed = System.nanoTime() - start;
            int received = drain(publishes);
            assertThat(received).isBetween(5, allowance(5, elapsed));
            assertThat(hits(LimitHit.PUBLISH_RATE)).isEqualTo(51 - received);
            assertThat(publisher.getState().isConnected()).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT 3.1.1 (Paho) beyond the quota: every publish is acknowledged, only the accepted ones are delivered")
    void mqtt311OverQuotaIsAcknowledgedAndDropped() throws Exception {
        fixture.restart(c -> c.withClientLimits(quota(5, 0, false)));
        Mqtt5BlockingClient subscriber = clients.connectedV5("v3-quota-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("v3quota/#").qos(MqttQos.AT_LEAST_ONCE).send();
            var publisher = clients.paho3("v3-quota-pub");
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            publisher.connect(options);
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                publisher.publish("v3quota/" + i, new byte[] {1}, 1, false); // returns once acknowledged
            }
            long elapsed = System.nanoTime() - start;
            int received = drain(publishes);
            assertThat(received).isBetween(5, allowance(5, elapsed));
            assertThat(hits(LimitHit.PUBLISH_RATE)).isEqualTo(20 - received);
            assertThat(publisher.isConnected()).isTrue();
        }
    }

    @Test
    @DisplayName("disconnectOverQuota: an MQTT 5 client gets DISCONNECT 0x97")
    void mqtt5DisconnectOverQuota() throws Exception {
        fixture.restart(c -> c.withClientLimits(quota(5, 0, true)));
        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        Mqtt5BlockingClient publisher = clients.v5("greedy5", b -> b.addDisconnectedListener(ctx -> {
            if (ctx.getSource() == MqttDisconnectSource.SERVER) {
                cause.complete(ctx.getCause());
            }
        }));
        publisher.connect();
        // QoS 1, one at a time: nothing of ours is still being written when the broker's DISCONNECT arrives, so
        // the client reads it instead of seeing a reset (QoS 0 flat out made this test flaky on busy machines).
        for (int i = 0; i < 1_000 && publisher.getState().isConnected(); i++) {
            try {
                publisher.publishWith().topic("greedy/" + i).qos(MqttQos.AT_LEAST_ONCE).send();
            } catch (RuntimeException e) {
                break; // the connection went away under the publish
            }
        }
        assertThat(cause.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOfSatisfying(Mqtt5DisconnectException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.QUOTA_EXCEEDED));
        assertThat(hits(LimitHit.PUBLISH_RATE)).isEqualTo(1);
        await().atMost(WAIT).until(() -> fixture.broker().connection("greedy5").isEmpty());
    }

    @Test
    @DisplayName("disconnectOverQuota: an MQTT 3.1.1 client (Paho) loses its connection")
    void mqtt311DisconnectOverQuota() throws Exception {
        fixture.restart(c -> c.withClientLimits(quota(5, 0, true)));
        var publisher = clients.paho3("greedy3");
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        publisher.setCallback(new MqttCallback() {
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
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        publisher.connect(options);
        // A blocking Paho publish whose connection is closed under it waits for ever unless told otherwise.
        publisher.setTimeToWait(WAIT.toMillis());
        for (int i = 0; i < 1_000 && publisher.isConnected() && hits(LimitHit.PUBLISH_RATE) == 0; i++) {
            try {
                publisher.publish("greedy3/" + i, new byte[] {1}, 0, false);
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                break; // the connection went away under the publish
            }
        }
        assertThat(lost.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
        assertThat(hits(LimitHit.PUBLISH_RATE)).isEqualTo(1);
        await().atMost(WAIT).until(() -> fixture.broker().connection("greedy3").isEmpty());
    }
}
