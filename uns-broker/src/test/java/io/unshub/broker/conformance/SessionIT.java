package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.metrics.BrokerMetrics.DropReason;
import io.unshub.broker.session.Session;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static io.unshub.broker.conformance.Await.WAIT;
import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.nothingMore;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MQTT 5.0 section 4.1 (session state), session expiry (3.1.2.11.2, 3.14.2.2.2) and offline queues. */
@ExtendWith(NoLeaks.class)
class SessionIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    /** Connects a persistent subscriber, subscribes {@code filter} at QoS 2 and goes offline. */
    private void persistentSubscriberGoesOffline(String id, String filter, long expirySeconds) {
        Mqtt5BlockingClient subscriber = clients.v5(id);
        subscriber.connectWith().cleanStart(false).sessionExpiryInterval(expirySeconds).send();
        subscriber.subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).send();
        subscriber.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection(id).isEmpty());
    }

    private void publish(String topic, MqttQos qos, String payload) {
        clients.connectedV5("sess-pub-" + System.nanoTime()).publishWith().topic(topic).qos(qos)
                .payload(utf8(payload)).send();
    }

    @Test
    @DisplayName("§4.1 [MQTT-3.1.2-5] QoS 1/2 messages are queued for an offline session and delivered in order on resume")
    void offlineQueueDeliveredOnResume() throws Exception {
        persistentSubscriberGoesOffline("oq-sub", "oq/t", 60);
        publish("oq/t", MqttQos.AT_LEAST_ONCE, "a");
        publish("oq/t", MqttQos.EXACTLY_ONCE, "b");
        publish("oq/t", MqttQos.AT_MOST_ONCE, "c"); // QoS 0 is not queued by default
        publish("oq/t", MqttQos.AT_LEAST_ONCE, "d");
        Session session = fixture.broker().sessions().get("oq-sub");
        await().atMost(WAIT).until(() -> session.queuedCount() == 3);
        assertThat(fixture.broker().metrics().droppedCount(DropReason.OFFLINE_QOS0)).isEqualTo(1);

        Mqtt5BlockingClient resumed = clients.v5("oq-sub");
        var publishes = resumed.publishes(MqttGlobalPublishFilter.ALL);
        assertThat(resumed.connectWith().cleanStart(false).sessionExpiryInterval(60).send().isSessionPresent()).isTrue();
        List<Mqtt5Publish> received = Await.next(publishes, 3);
        assertThat(received).extracting(Await::text).containsExactly("a", "b", "d");
        assertThat(received).extracting(p -> p.getQos().getCode()).containsExactly(1, 2, 1);
        nothingMore(publishes);
    }

    @Test
    @DisplayName("§4.1 the offline queue is bounded: overflow drops the newest and counts QUEUE_FULL")
    void offlineQueueOverflowDropsNewest() throws Exception {
        fixture.restart(c -> c.withLimits(c.maxPacketSize(), c.receiveMaximum(), c.topicAliasMaximum(), 3,
                c.maxKeepAliveSeconds()));
        persistentSubscriberGoesOffline("of-sub", "of/t", 60);
        for (int i = 0; i < 5; i++) {
            publish("of/t", MqttQos.AT_LEAST_ONCE, "m" + i);
        }
        Session session = fixture.broker().sessions().get("of-sub");
        await().atMost(WAIT).until(() -> fixture.broker().metrics().droppedCount(DropReason.QUEUE_FULL) == 2);
        assertThat(session.queuedCount()).isEqualTo(3);

        Mqtt5BlockingClient resumed = clients.v5("of-sub");
        var publishes = resumed.publishes(MqttGlobalPublishFilter.ALL);
        resumed.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        assertThat(Await.next(publishes, 3)).extracting(Await::text).containsExactly("m0", "m1", "m2");
        nothingMore(publishes);
        assertThat(fixture.broker().metrics().droppedCount(DropReason.QUEUE_FULL)).isEqualTo(2);
    }

    @Test
    @DisplayName("§3.1.2.11.2 session expiry 0: the session ends when the connection closes")
    void sessionExpiryZero() {
        persistentSubscriberGoesOffline("se0", "se0/t", 0);
        await().atMost(WAIT).until(() -> fixture.broker().sessions().get("se0") == null);
        assertThat(fixture.broker().subscriptions().subscriptionCount()).isZero();
        assertThat(clients.v5("se0").connectWith().cleanStart(false).send().isSessionPresent()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-4.1.0-2] session expiry n: the session survives n seconds offline, then is cleaned up")
    void sessionExpiresAfterInterval() {
        persistentSubscriberGoesOffline("se1", "se1/t", 1);
        assertThat(fixture.broker().sessions().get("se1")).as("kept right after the disconnect").isNotNull();
        await().atLeast(Duration.ofMillis(700)).atMost(Duration.ofSeconds(4)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> fixture.broker().sessions().get("se1") == null);
        assertThat(fixture.broker().subscriptions().subscriptionCount()).as("its subscriptions are gone").isZero();
        assertThat(clients.v5("se1").connectWith().cleanStart(false).sessionExpiryInterval(1).send()
                .isSessionPresent()).isFalse();
    }

    @Test
    @DisplayName("§3.1.2.11.2 session expiry 0xFFFFFFFF: the session never expires")
    void sessionNeverExpires() {
        Mqtt5BlockingClient client = clients.v5("se-never");
        client.connectWith().cleanStart(false).noSessionExpiry().send();
        client.subscribeWith().topicFilter("never/t").send();
        client.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection("se-never").isEmpty());
        Session session = fixture.broker().sessions().get("se-never");
        assertThat(session.expirySeconds()).isEqualTo(BrokerConfig.NEVER_EXPIRE);
        await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3))
                .until(() -> fixture.broker().sessions().get("se-never") == session);
        assertThat(clients.v5("se-never").connectWith().cleanStart(false).noSessionExpiry().send().isSessionPresent())
                .isTrue();
    }

    @Test
    @DisplayName("§3.14.2.2.2 a session expiry of 0 on DISCONNECT ends a session that had a longer expiry")
    void disconnectChangesSessionExpiry() {
        Mqtt5BlockingClient client = clients.v5("se-dc");
        client.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
        client.subscribeWith().topicFilter("sedc/t").send();
        client.disconnectWith().sessionExpiryInterval(0).send();
        await().atMost(WAIT).until(() -> fixture.broker().sessions().get("se-dc") == null);
        assertThat(fixture.broker().subscriptions().subscriptionCount()).isZero();
    }

    @Test
    @DisplayName("[MQTT-3.14.2-2] session expiry set on DISCONNECT after 0 on CONNECT is a protocol error (raw)")
    void disconnectCannotSetExpiryAfterZero() throws Exception {
        RawMqttClient raw = clients.raw();
        raw.connect(5, "se-bad");
        raw.send(RawMqttClient.packet(0xE0, RawMqttClient.concat(RawMqttClient.bytes(0x00),
                RawPackets.properties(RawPackets.intProperty(RawPackets.SESSION_EXPIRY_INTERVAL, 60)))));
        RawMqttClient.Packet disconnect = raw.expect(RawPackets.DISCONNECT, WAIT);
        assertThat(disconnect.reasonCode()).isEqualTo(0x82);
        assertThat(raw.isClosedByBroker(WAIT)).isTrue();
        await().atMost(WAIT).until(() -> fixture.broker().sessions().get("se-bad") == null);
    }

    @Test
    @DisplayName("[MQTT-3.1.4-3] [MQTT-4.4.0-1] a takeover that resumes the session resends the old connection's unacknowledged messages with DUP")
    void takeoverResendsInflightMessages() throws Exception {
        RawMqttClient old = clients.raw();
        old.send(RawPackets.connect(4, "to-sub", false, 60, null));
        old.expect(RawPackets.CONNACK, WAIT);
        old.send(RawPackets.subscribe(4, 1, null, "to/t", 1));
        old.expect(RawPackets.SUBACK, WAIT);
        clients.connectedV5("to-pub").publishWith().topic("to/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("held")).send();
        RawPackets.Publish first = RawPackets.publish(old.expect(RawPackets.PUBLISH, WAIT), 4);

        RawMqttClient fresh = clients.raw();
        fresh.send(RawPackets.connect(4, "to-sub", false, 60, null));
        assertThat(RawPackets.connAck(fresh.expect(RawPackets.CONNACK, WAIT), 4).sessionPresent()).isTrue();
        RawPackets.Publish resent = RawPackets.publish(fresh.expect(RawPackets.PUBLISH, WAIT), 4);
        assertThat(resent.dup()).isTrue();
        assertThat(resent.packetId()).isEqualTo(first.packetId());
        assertThat(resent.payloadText()).isEqualTo("held");
        assertThat(old.isClosedByBroker(WAIT)).as("the old connection is closed").isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-4] clean start discards an existing session with its queued messages")
    void cleanStartDiscardsQueuedMessages() throws Exception {
        persistentSubscriberGoesOffline("cd-sub", "cd/t", 60);
        publish("cd/t", MqttQos.AT_LEAST_ONCE, "stale");
        Session old = fixture.broker().sessions().get("cd-sub");
        await().atMost(WAIT).until(() -> old.queuedCount() == 1);

        Mqtt5BlockingClient fresh = clients.v5("cd-sub");
        var publishes = fresh.publishes(MqttGlobalPublishFilter.ALL);
        assertThat(fresh.connectWith().cleanStart(true).send().isSessionPresent()).isFalse();
        nothingMore(publishes);
        assertThat(old.isEnded()).isTrue();
        assertThat(fixture.broker().sessions().get("cd-sub")).isNotSameAs(old);
    }

    @Test
    @DisplayName("3.1.1 [MQTT-3.1.2-4] [MQTT-3.1.2-5] Paho v3 with clean session 0 gets the messages queued while it was away")
    void mqtt311PersistentSessionQueues() throws Exception {
        var paho = clients.paho3("p3-persist");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        paho.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new String(message.getPayload()) + "@" + message.getQos());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        paho.connect(options);
        paho.subscribe("p3p/t", 2);
        paho.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection("p3-persist").isEmpty());

        publish("p3p/t", MqttQos.AT_LEAST_ONCE, "one");
        publish("p3p/t", MqttQos.EXACTLY_ONCE, "two");
        await().atMost(WAIT).until(() -> fixture.broker().sessions().get("p3-persist").queuedCount() == 2);

        paho.connect(options);
        assertThat(next(received)).isEqualTo("one@1");
        assertThat(next(received)).isEqualTo("two@2");
        nothingMore(received);
        paho.disconnect();
    }

    @Test
    @DisplayName("[MQTT-4.1.0-2] an ended session is cleaned up: Broker.sessions().get(id) becomes null")
    void endedSessionRemovedFromRegistry() {
        Mqtt5BlockingClient client = clients.connectedV5("gone");
        assertThat(fixture.broker().sessions().get("gone")).isNotNull();
        client.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().sessions().get("gone") == null);
        assertThat(fixture.broker().allSessions()).extracting(Session::clientId).doesNotContain("gone");
    }
}
