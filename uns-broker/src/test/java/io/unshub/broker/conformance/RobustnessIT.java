package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** Cases a code review found: large retained snapshots, takeover edge cases, extreme topics, stray HTTP. */
@ExtendWith(NoLeaks.class)
class RobustnessIT {

    private static final int SNAPSHOT = 20_000;

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture()
            .configure(c -> c.withLimits(c.maxPacketSize(), c.receiveMaximum(), c.topicAliasMaximum(), 100,
                    c.maxKeepAliveSeconds()));
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private void retainSnapshot(int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        for (int i = 0; i < SNAPSHOT; i++) {
            fixture.broker().bus().publish(UnsMessage.of("snap/tag" + i, payload, 1, true, MessageProperties.NONE,
                    Origin.internal("test")));
        }
        assertThat(fixture.broker().retained().matching("snap/#")).hasSize(SNAPSHOT);
    }

    private Set<String> receiveSnapshot(MqttQos qos) {
        Set<String> topics = ConcurrentHashMap.newKeySet();
        Mqtt5BlockingClient subscriber = clients.connectedV5("snapshot-" + qos.getCode());
        subscriber.toAsync().subscribeWith().topicFilter("snap/#").qos(qos)
                .callback(publish -> topics.add(publish.getTopic().toString())).send().join();
        await().atMost(Duration.ofSeconds(30)).until(() -> topics.size() == SNAPSHOT);
        return topics;
    }

    @Test
    @DisplayName("[MQTT-3.3.1-9] a QoS 1 subscriber gets every retained message, far beyond the session queue limit")
    void retainedSnapshotLargerThanTheQueueLimitAtQos1() {
        retainSnapshot(16);
        assertThat(receiveSnapshot(MqttQos.AT_LEAST_ONCE)).hasSize(SNAPSHOT);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-9] a QoS 0 subscriber gets every retained message, more than its write buffer holds")
    void retainedSnapshotLargerThanTheWriteBufferAtQos0() {
        retainSnapshot(512); // 10 MB, ten times the default write buffer high-water mark
        assertThat(receiveSnapshot(MqttQos.AT_MOST_ONCE)).hasSize(SNAPSHOT);
        assertThat(fixture.broker().metrics().droppedCount(
                io.unshub.broker.metrics.BrokerMetrics.DropReason.SLOW_CONSUMER)).isZero();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-9] a clean-start takeover ends the session, so a delayed will goes out at once")
    void cleanStartTakeoverPublishesDelayedWill() throws Exception {
        Mqtt5BlockingClient watching = clients.connectedV5("will-watcher");
        try (Mqtt5BlockingClient.Mqtt5Publishes watcher = watching.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            watching.subscribeWith().topicFilter("takeover/will").send();
            clients.v5("taken").connectWith().cleanStart(true).sessionExpiryInterval(60)
                    .willPublish().topic("takeover/will").payload(utf8("gone")).delayInterval(3600).applyWillPublish()
                    .send();
            clients.v5("taken").connectWith().cleanStart(true).send();
            assertThat(text(next(watcher))).isEqualTo("gone");
        }
    }

    @Test
    @DisplayName("[MQTT-3.2.2-3] a session with expiry 0 is not resumed by a takeover that asks to continue it")
    void expiryZeroSessionIsNotResumed() {
        clients.v5("short-lived").connectWith().cleanStart(true).sessionExpiryInterval(0).send();
        var connAck = clients.v5("short-lived").connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        assertThat(connAck.isSessionPresent()).isFalse();
    }

    @Test
    @DisplayName("(section 4.7) topics deeper than the level limit are refused, and the broker carries on")
    void tooDeepTopicsAreRefused() {
        Mqtt5BlockingClient client = clients.connectedV5("deep");
        String deep = "a" + "/a".repeat(600);
        Mqtt5PubAckException refused = catchThrowableOfType(Mqtt5PubAckException.class,
                () -> client.publishWith().topic(deep).qos(MqttQos.AT_LEAST_ONCE).send());
        assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        Mqtt5SubAckException filterRefused = catchThrowableOfType(Mqtt5SubAckException.class,
                () -> client.subscribeWith().topicFilter("+" + "/+".repeat(600)).send());
        assertThat(filterRefused.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.TOPIC_FILTER_INVALID);
        assertThat(client.getState().isConnected()).isTrue();
    }

    @Test
    @DisplayName("an HTTP request for another path on the WebSocket port is closed without disturbing the broker")
    void strayHttpRequestOnTheWebSocketPort() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", fixture.wsPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // skip whatever comes before the close
            }
        }
        Mqtt5BlockingClient client = clients.connectedV5("after-http");
        assertThat(client.getState().isConnected()).isTrue();
        assertThat(fixture.broker().isRunning()).isTrue();
    }
}
