package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5WillPublish;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.unshub.broker.conformance.Await.WAIT;
import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.nothingMore;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** MQTT 5.0 sections 3.1.2.5 (Will Flag), 3.1.3.2 (Will Properties) and 3.14 (DISCONNECT with will). */
@ExtendWith(NoLeaks.class)
class WillIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private Mqtt5BlockingClient.Mqtt5Publishes willWatcher(String filter) {
        Mqtt5BlockingClient watcher = clients.connectedV5("will-watcher");
        var publishes = watcher.publishes(MqttGlobalPublishFilter.ALL);
        watcher.subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).send();
        return publishes;
    }

    /** Closes the client's network connection from the broker's side, as a network failure would (no DISCONNECT). */
    private void dropConnection(String clientId) {
        fixture.broker().connection(clientId).orElseThrow().channel().close().syncUninterruptibly();
        await().atMost(WAIT).until(() -> fixture.broker().connection(clientId).isEmpty());
    }

    private static Mqtt5WillPublish will(String topic, String payload) {
        return Mqtt5WillPublish.builder().topic(topic).payload(utf8(payload)).qos(MqttQos.AT_LEAST_ONCE).build();
    }

    /** Publishes a sentinel from another client; the watcher must see it first if no will went out before. */
    private void sentinel(String topic) {
        clients.connectedV5("will-sentinel").publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("END")).send();
    }

    /** Receives the next message, failing unless it arrives between 0.8 s and 4 s from now (a 1 s delay). */
    private static Mqtt5Publish receiveAfterDelay(Mqtt5BlockingClient.Mqtt5Publishes watcher) {
        AtomicReference<Mqtt5Publish> received = new AtomicReference<>();
        await().atLeast(Duration.ofMillis(800)).atMost(Duration.ofSeconds(4)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    watcher.receive(20, TimeUnit.MILLISECONDS).ifPresent(received::set);
                    return received.get() != null;
                });
        return received.get();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] the will is published when the connection closes without DISCONNECT (MQTT 5)")
    void willOnNetworkFailure() throws Exception {
        var watcher = willWatcher("will/#");
        Mqtt5BlockingClient client = clients.v5("will-drop");
        client.connectWith().willPublish().topic("will/drop").payload(utf8("gone")).qos(MqttQos.EXACTLY_ONCE)
                .applyWillPublish().send();
        dropConnection("will-drop");

        Mqtt5Publish will = next(watcher);
        assertThat(will.getTopic().toString()).isEqualTo("will/drop");
        assertThat(text(will)).isEqualTo("gone");
        assertThat(will.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        nothingMore(watcher);
    }

    @Test
    @DisplayName("3.1.1 [MQTT-3.1.2-8] Paho v3 closing its socket without DISCONNECT gets its will published")
    void willOnNetworkFailureMqtt311() throws Exception {
        Mqtt3BlockingClient watcher = clients.connectedV3("will3-watcher");
        var publishes = watcher.publishes(MqttGlobalPublishFilter.ALL);
        watcher.subscribeWith().topicFilter("will3/#").qos(MqttQos.AT_LEAST_ONCE).send();

        var paho = clients.paho3("will3-client");
        MqttConnectOptions options = new MqttConnectOptions();
        options.setWill("will3/t", utf8("paho-will"), 1, false);
        paho.connect(options);
        paho.disconnectForcibly(0, 1_000, false); // no DISCONNECT packet

        var will = next(publishes);
        assertThat(will.getTopic().toString()).isEqualTo("will3/t");
        assertThat(text(will)).isEqualTo("paho-will");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-10] [MQTT-3.14.4-3] no will after a normal DISCONNECT (MQTT 5 and 3.1.1)")
    void noWillAfterNormalDisconnect() throws Exception {
        var watcher = willWatcher("nowill/#");
        Mqtt5BlockingClient v5 = clients.v5("nowill-5");
        v5.connectWith().willPublish(will("nowill/5", "should not")).send();
        v5.disconnect();
        Mqtt3BlockingClient v3 = clients.v3("nowill-3");
        v3.connectWith().willPublish().topic("nowill/3").payload(utf8("should not")).applyWillPublish().send();
        v3.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connections().keySet().stream()
                .noneMatch(id -> id.startsWith("nowill-")));

        sentinel("nowill/end");
        assertThat(text(next(watcher))).isEqualTo("END");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] the will is published when the server closes the connection (Broker.disconnect, 0x98)")
    void willWhenServerDisconnects() throws Exception {
        var watcher = willWatcher("wsd/#");
        Mqtt5BlockingClient client = clients.v5("wsd");
        client.connectWith().willPublish(will("wsd/t", "kicked")).send();
        assertThat(fixture.broker().disconnect("wsd")).isTrue();
        assertThat(text(next(watcher))).isEqualTo("kicked");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] [MQTT-3.1.2-22] the will is published when the keep alive expires (raw 3.1.1 client)")
    void willOnKeepAliveTimeout() throws Exception {
        var watcher = willWatcher("wka/#");
        RawMqttClient raw = clients.raw();
        byte[] body = RawMqttClient.concat(RawMqttClient.string("MQTT"), RawMqttClient.bytes(4, 0x02 | 0x04 | 0x08, 0, 1),
                RawMqttClient.string("wka"), RawMqttClient.string("wka/t"), RawMqttClient.string("silent"));
        raw.sendPacket(0x10, body); // clean session, will flag, will QoS 1, keep alive 1 s
        assertThat(raw.expect(RawPackets.CONNACK, WAIT).reasonCode()).isZero();

        Mqtt5Publish will = next(watcher);
        assertThat(will.getTopic().toString()).isEqualTo("wka/t");
        assertThat(text(will)).isEqualTo("silent");
        assertThat(will.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        assertThat(raw.isClosedByBroker(WAIT)).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.14.2-1] DISCONNECT with reason code 0x04 publishes the will")
    void willAfterDisconnectWithWill() throws Exception {
        var watcher = willWatcher("dww/#");
        Mqtt5BlockingClient client = clients.v5("dww");
        client.connectWith().willPublish(will("dww/t", "on purpose")).send();
        client.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();

        assertThat(text(next(watcher))).isEqualTo("on purpose");
    }

    @Test
    @DisplayName("[MQTT-3.1.3-9] the will is delayed by the will delay interval")
    void willDelayInterval() throws Exception {
        var watcher = willWatcher("wd/#");
        Mqtt5BlockingClient client = clients.v5("wd");
        client.connectWith().sessionExpiryInterval(30)
                .willPublish().topic("wd/t").payload(utf8("late")).delayInterval(1).applyWillPublish().send();
        dropConnection("wd");

        assertThat(text(receiveAfterDelay(watcher))).isEqualTo("late");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] a reconnect before the will delay has passed cancels the will")
    void reconnectWithinWillDelayCancelsWill() throws Exception {
        var watcher = willWatcher("wc/#");
        Mqtt5BlockingClient client = clients.v5("wc");
        client.connectWith().sessionExpiryInterval(30)
                .willPublish().topic("wc/t").payload(utf8("cancelled")).delayInterval(1).applyWillPublish().send();
        dropConnection("wc");
        Mqtt5BlockingClient again = clients.v5("wc");
        assertThat(again.connectWith().cleanStart(false).sessionExpiryInterval(30).send().isSessionPresent()).isTrue();

        Optional<Mqtt5Publish> received = watcher.receive(1_600, TimeUnit.MILLISECONDS);
        assertThat(received.map(Await::text)).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-9] with a will delay longer than the session expiry, the will goes out when the session ends")
    void willPublishedWhenSessionEndsFirst() throws Exception {
        var watcher = willWatcher("we/#");
        Mqtt5BlockingClient client = clients.v5("we");
        client.connectWith().sessionExpiryInterval(1)
                .willPublish().topic("we/t").payload(utf8("session over")).delayInterval(3600).applyWillPublish().send();
        dropConnection("we");

        assertThat(text(receiveAfterDelay(watcher))).isEqualTo("session over");
        assertThat(fixture.broker().sessions().get("we")).isNull();
    }

    @Test
    @DisplayName("§3.1.3.2 [MQTT-3.3.2-18] will properties reach subscribers unchanged, user properties in order")
    void willProperties() throws Exception {
        var watcher = willWatcher("wp/#");
        Mqtt5BlockingClient client = clients.v5("wp");
        client.connectWith().willPublish()
                .topic("wp/t").payload(utf8("{\"state\":\"offline\"}")).qos(MqttQos.AT_LEAST_ONCE)
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                .contentType("application/json")
                .responseTopic("wp/reply")
                .correlationData(utf8("corr-1"))
                .messageExpiryInterval(120)
                .userProperties().add("z", "1").add("a", "2").add("z", "3").applyUserProperties()
                .applyWillPublish().send();
        dropConnection("wp");

        Mqtt5Publish will = next(watcher);
        assertThat(text(will)).isEqualTo("{\"state\":\"offline\"}");
        assertThat(will.getPayloadFormatIndicator()).hasValue(Mqtt5PayloadFormatIndicator.UTF_8);
        assertThat(will.getContentType().map(Object::toString)).hasValue("application/json");
        assertThat(will.getResponseTopic().map(Object::toString)).hasValue("wp/reply");
        assertThat(will.getCorrelationData().map(WillIT::bytes)).hasValue(utf8("corr-1"));
        assertThat(will.getMessageExpiryInterval()).isPresent();
        assertThat(will.getMessageExpiryInterval().getAsLong()).isBetween(1L, 120L);
        assertThat(will.getUserProperties().asList()).extracting(p -> p.getName() + "=" + p.getValue())
                .containsExactly("z=1", "a=2", "z=3");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-15] a will with RETAIN 1 is stored as the retained message")
    void retainedWill() throws Exception {
        Mqtt5BlockingClient client = clients.v5("wr");
        client.connectWith().willPublish().topic("wr/status").payload(utf8("offline")).retain(true).applyWillPublish().send();
        dropConnection("wr");
        await().atMost(WAIT).until(() -> fixture.broker().retained().get("wr/status") != null);

        Mqtt5BlockingClient late = clients.connectedV5("wr-late");
        var publishes = late.publishes(MqttGlobalPublishFilter.ALL);
        late.subscribeWith().topicFilter("wr/status").send();
        Mqtt5Publish retained = next(publishes);
        assertThat(text(retained)).isEqualTo("offline");
        assertThat(retained.isRetain()).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.1.4-3] a session takeover publishes the old connection's will when its delay is 0")
    void willOnTakeover() throws Exception {
        var watcher = willWatcher("wt/#");
        Mqtt5BlockingClient old = clients.v5("wt");
        old.connectWith().willPublish(will("wt/t", "taken over")).send();
        clients.v5("wt").connect();

        assertThat(text(next(watcher))).isEqualTo("taken over");
        nothingMore(watcher);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] a takeover before a non-zero will delay has passed does not publish the will")
    void noWillOnTakeoverWithDelay() throws Exception {
        var watcher = willWatcher("wtd/#");
        Mqtt5BlockingClient old = clients.v5("wtd");
        old.connectWith().sessionExpiryInterval(60)
                .willPublish().topic("wtd/t").payload(utf8("no")).delayInterval(60).applyWillPublish().send();
        Mqtt5BlockingClient fresh = clients.v5("wtd");
        fresh.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        await().atMost(WAIT).until(() -> !old.getState().isConnected());

        sentinel("wtd/end");
        assertThat(text(next(watcher))).isEqualTo("END");
    }

    @Test
    @DisplayName("§3.1.3.2.3 a will with payload format indicator 1 and a non-UTF-8 payload is refused with 0x99")
    void willPayloadMustBeUtf8() {
        Mqtt5BlockingClient client = clients.v5("wu");
        assertThatThrownBy(() -> client.connectWith().willPublish().topic("wu/t")
                .payload(new byte[] {(byte) 0xC3, (byte) 0x28}).payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                .applyWillPublish().send())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.PAYLOAD_FORMAT_INVALID));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
