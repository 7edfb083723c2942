package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.unshub.broker.Broker;
import io.unshub.broker.persistence.Durability;
import io.unshub.broker.persistence.RocksBrokerStore;
import io.unshub.broker.session.Session;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import static io.unshub.broker.conformance.Await.QUIET;
import static io.unshub.broker.conformance.Await.WAIT;
import static io.unshub.broker.conformance.Await.nothingMore;
import static io.unshub.broker.conformance.Await.utf8;
import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static io.unshub.broker.testing.RawMqttClient.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker on a RocksDB store, stopped and started again on the same directory (a new {@link Broker}
 * object): retained messages, persistent sessions, their subscriptions and queues, inbound QoS 2 state,
 * session expiry and delayed wills survive.
 */
class DurableRestartIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    @TempDir
    Path dir;

    private Broker restart() {
        return restart(BrokerFixture.baseConfig());
    }

    private Broker restart(io.unshub.broker.config.BrokerConfig config) {
        fixture.stop(); // closes the store, which holds the directory's lock
        try {
            return fixture.start(config, RocksBrokerStore.open(dir, Durability.groupCommit(0)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void publish(String topic, MqttQos qos, boolean retain, String payload) {
        clients.connectedV5("pub-" + System.nanoTime()).publishWith().topic(topic).qos(qos).retain(retain)
                .payload(utf8(payload)).send();
    }

    private void persistentSubscriberGoesOffline(String id, String filter, long expirySeconds) {
        Mqtt5BlockingClient subscriber = clients.v5(id);
        subscriber.connectWith().cleanStart(false).sessionExpiryInterval(expirySeconds).send();
        subscriber.subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).send();
        subscriber.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection(id).isEmpty());
    }

    @Test
    @DisplayName("retained messages survive a restart, a cleared one stays cleared")
    void retainedSurvive() throws Exception {
        restart();
        publish("dr/r/a", MqttQos.AT_LEAST_ONCE, true, "kept");
        publish("dr/r/b", MqttQos.AT_LEAST_ONCE, true, "gone");
        publish("dr/r/b", MqttQos.AT_LEAST_ONCE, true, "");
        restart();
        assertThat(fixture.broker().retained().get("dr/r/a")).isNotNull();
        assertThat(fixture.broker().retained().get("dr/r/b")).isNull();
        Mqtt5BlockingClient subscriber = clients.connectedV5("dr-r-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("dr/r/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5Publish received = Await.next(publishes);
        assertThat(Await.text(received)).isEqualTo("kept");
        assertThat(received.isRetain()).isTrue();
        nothingMore(publishes);
    }

    @Test
    @DisplayName("a persistent session is present after a restart and its subscriptions still deliver")
    void sessionAndSubscriptionsSurvive() throws Exception {
        restart();
        persistentSubscriberGoesOffline("dr-s-sub", "dr/s/#", 300);
        Mqtt5BlockingClient clean = clients.v5("dr-s-clean");
        clean.connectWith().cleanStart(true).sessionExpiryInterval(0).send();
        clean.subscribeWith().topicFilter("dr/s/#").send();
        clean.disconnect();
        restart();
        assertThat(fixture.broker().sessions().get("dr-s-clean")).isNull();
        assertThat(fixture.broker().sessions().get("dr-s-sub")).isNotNull();
        assertThat(fixture.broker().subscriptions().subscriptionCount()).isEqualTo(1);

        Mqtt5BlockingClient resumed = clients.v5("dr-s-sub");
        var publishes = resumed.publishes(MqttGlobalPublishFilter.ALL);
        assertThat(resumed.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent()).isTrue();
        publish("dr/s/x", MqttQos.AT_LEAST_ONCE, false, "live");
        assertThat(Await.text(Await.next(publishes))).isEqualTo("live");
    }

    @Test
    @DisplayName("acknowledged QoS 1/2 messages queued for an offline session are delivered after a restart, once")
    void queuedSurvive() throws Exception {
        restart();
        persistentSubscriberGoesOffline("dr-q-sub", "dr/q/t", 300);
        publish("dr/q/t", MqttQos.AT_LEAST_ONCE, false, "a");
        publish("dr/q/t", MqttQos.EXACTLY_ONCE, false, "b");
        publish("dr/q/t", MqttQos.AT_LEAST_ONCE, false, "c");
        restart();
        Session session = fixture.broker().sessions().get("dr-q-sub");
        assertThat(session.queuedCount()).isEqualTo(3);

        Mqtt5BlockingClient resumed = clients.v5("dr-q-sub");
        var publishes = resumed.publishes(MqttGlobalPublishFilter.ALL);
        assertThat(resumed.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent()).isTrue();
        List<Mqtt5Publish> received = Await.next(publishes, 3);
        assertThat(received).extracting(Await::text).containsExactly("a", "b", "c");
        assertThat(received).extracting(p -> p.getQos().getCode()).containsExactly(1, 2, 1);
        await().atMost(WAIT).until(() -> session.queuedCount() == 0 && session.inflightCount() == 0);
        resumed.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection("dr-q-sub").isEmpty());

        restart(); // the acknowledged messages left the store with their PUBACK/PUBCOMP
        assertThat(fixture.broker().sessions().get("dr-q-sub").queuedCount()).isZero();
        Mqtt5BlockingClient again = clients.v5("dr-q-sub");
        var more = again.publishes(MqttGlobalPublishFilter.ALL);
        assertThat(again.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent()).isTrue();
        nothingMore(more);
    }

    @Test
    @DisplayName("acknowledged QoS 1/2 messages for a shared group whose members are all offline survive a restart, once")
    void sharedGroupQueuesSurvive() throws Exception {
        restart();
        persistentSubscriberGoesOffline("dr-sh-a", "$share/g/dr/sh/t", 300);
        persistentSubscriberGoesOffline("dr-sh-b", "$share/g/dr/sh/t", 300);
        publish("dr/sh/t", MqttQos.AT_LEAST_ONCE, false, "1");
        publish("dr/sh/t", MqttQos.EXACTLY_ONCE, false, "2");
        publish("dr/sh/t", MqttQos.AT_LEAST_ONCE, false, "3");
        publish("dr/sh/t", MqttQos.EXACTLY_ONCE, false, "4");
        restart();
        Session a = fixture.broker().sessions().get("dr-sh-a");
        Session b = fixture.broker().sessions().get("dr-sh-b");
        assertThat(a.queuedCount() + b.queuedCount()).isEqualTo(4);

        java.util.List<String> received = new java.util.ArrayList<>();
        for (String id : List.of("dr-sh-a", "dr-sh-b")) {
            int expected = fixture.broker().sessions().get(id).queuedCount();
            Mqtt5BlockingClient resumed = clients.v5(id);
            var publishes = resumed.publishes(MqttGlobalPublishFilter.ALL);
            assertThat(resumed.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent())
                    .isTrue();
            Await.next(publishes, expected).forEach(p -> received.add(Await.text(p)));
            nothingMore(publishes);
        }
        assertThat(received).containsExactlyInAnyOrder("1", "2", "3", "4");
    }

    @Test
    @DisplayName("a stored shared-group message handed to another member when its member leaves moves in the store too")
    void sharedGroupHandOverMovesTheStoredMessage() throws Exception {
        restart();
        byte[] connectA = concat(string("MQTT"), bytes(4, 0x00, 0, 60), string("dr-ho-a")); // 3.1.1, persistent
        byte[] connectB = concat(string("MQTT"), bytes(4, 0x00, 0, 60), string("dr-ho-b"));
        byte[] subscribe = concat(bytes(0, 1), string("$share/h/dr/ho/t"), bytes(1));
        try (RawMqttClient a = clients.raw()) {
            a.sendPacket(0x10, connectA);
            a.expect(RawPackets.CONNACK, WAIT);
            a.sendPacket(0x82, subscribe);
            a.expect(RawPackets.SUBACK, WAIT);
            publish("dr/ho/t", MqttQos.AT_LEAST_ONCE, false, "moved");
            a.expect(RawPackets.PUBLISH, WAIT); // not acknowledged
            try (RawMqttClient b = clients.raw()) {
                b.sendPacket(0x10, connectB);
                b.expect(RawPackets.CONNACK, WAIT);
                b.sendPacket(0x82, subscribe);
                b.expect(RawPackets.SUBACK, WAIT);
                a.close(); // a leaves with the message unacknowledged: it goes to b
                RawMqttClient.Packet handed = b.expect(RawPackets.PUBLISH, WAIT);
                assertThat(new String(handed.body(), java.nio.charset.StandardCharsets.UTF_8)).endsWith("moved");
                // b does not acknowledge either
            }
        }
        await().atMost(WAIT).until(() -> fixture.broker().connection("dr-ho-a").isEmpty()
                && fixture.broker().connection("dr-ho-b").isEmpty());

        restart();
        Session a = fixture.broker().sessions().get("dr-ho-a");
        Session b = fixture.broker().sessions().get("dr-ho-b");
        assertThat(a.queuedCount() + a.inflightCount()).as("left a's queue").isZero();
        assertThat(b.queuedCount() + b.inflightCount()).as("on b's queue").isEqualTo(1);
    }

    @Test
    @DisplayName("QoS 0 queued for an offline session (queue-qos0-while-offline) is kept in memory only, not across a restart")
    void offlineQos0IsQueuedInMemoryOnly() throws Exception {
        var config = BrokerFixture.baseConfig().withQueueQos0WhileOffline(true);
        restart(config);
        persistentSubscriberGoesOffline("dr-z-sub", "dr/z/t", 300);
        publish("dr/z/t", MqttQos.AT_MOST_ONCE, false, "zero-before");
        publish("dr/z/t", MqttQos.AT_LEAST_ONCE, false, "one");
        Session before = fixture.broker().sessions().get("dr-z-sub");
        await().atMost(WAIT).until(() -> before.queuedCount() == 2);

        restart(config);
        assertThat(fixture.broker().sessions().get("dr-z-sub").queuedCount()).as("only the QoS 1 message").isEqualTo(1);
        Mqtt5BlockingClient resumed = clients.v5("dr-z-sub");
        var publishes = resumed.publishes(MqttGlobalPublishFilter.ALL);
        resumed.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
        assertThat(Await.text(Await.next(publishes))).isEqualTo("one");
        nothingMore(publishes);
        resumed.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection("dr-z-sub").isEmpty());

        // Without a restart in between, the queued QoS 0 message is delivered.
        publish("dr/z/t", MqttQos.AT_MOST_ONCE, false, "zero-kept");
        Session after = fixture.broker().sessions().get("dr-z-sub");
        await().atMost(WAIT).until(() -> after.queuedCount() == 1);
        Mqtt5BlockingClient again = clients.v5("dr-z-sub");
        var more = again.publishes(MqttGlobalPublishFilter.ALL);
        again.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
        Mqtt5Publish zero = Await.next(more);
        assertThat(Await.text(zero)).isEqualTo("zero-kept");
        assertThat(zero.getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);
    }

    @Test
    @DisplayName("an inbound QoS 2 message awaiting PUBREL is not delivered again when resent after a restart")
    void pubRelStateSurvives() throws Exception {
        restart();
        Mqtt5BlockingClient subscriber = clients.connectedV5("dr-p-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("dr/p/t").qos(MqttQos.EXACTLY_ONCE).send();

        byte[] connect = concat(string("MQTT"), bytes(4, 0x00, 0, 60), string("dr-p-pub")); // 3.1.1, persistent
        byte[] publish = concat(string("dr/p/t"), bytes(0, 7), utf8("once"));
        try (RawMqttClient raw = clients.raw()) {
            raw.sendPacket(0x10, connect);
            assertThat(raw.expect(RawPackets.CONNACK, WAIT).type()).isEqualTo(RawPackets.CONNACK);
            raw.sendPacket(0x34, publish);
            raw.expect(RawPackets.PUBREC, WAIT);
        }
        assertThat(Await.text(Await.next(publishes))).isEqualTo("once");
        subscriber.disconnect();

        restart();
        Mqtt5BlockingClient again = clients.connectedV5("dr-p-sub2");
        var more = again.publishes(MqttGlobalPublishFilter.ALL);
        again.subscribeWith().topicFilter("dr/p/t").qos(MqttQos.EXACTLY_ONCE).send();
        try (RawMqttClient raw = clients.raw()) {
            raw.sendPacket(0x10, connect);
            raw.expect(RawPackets.CONNACK, WAIT);
            raw.sendPacket(0x3C, publish); // DUP resend of packet 7
            raw.expect(RawPackets.PUBREC, WAIT);
            raw.sendPacket(0x62, bytes(0, 7));
            raw.expect(RawPackets.PUBCOMP, WAIT);
        }
        nothingMore(more);
    }

    @Test
    @DisplayName("session expiry resumes after a restart: the session ends on time and stays gone")
    void expiryResumes() throws Exception {
        restart();
        persistentSubscriberGoesOffline("dr-e-sub", "dr/e/t", 2);
        restart();
        assertThat(fixture.broker().sessions().get("dr-e-sub")).isNotNull();
        await().atMost(WAIT).until(() -> fixture.broker().sessions().get("dr-e-sub") == null);
        assertThat(fixture.broker().subscriptions().subscriptionCount()).isZero();
        restart();
        assertThat(fixture.broker().sessions().get("dr-e-sub")).isNull();
    }

    @Test
    @DisplayName("a delayed will pending at shutdown is published after the restart")
    void delayedWillFiresAfterRestart() throws Exception {
        restart();
        Mqtt5BlockingClient watcher = clients.connectedV5("dr-w-watch");
        watcher.subscribeWith().topicFilter("dr/w/t").qos(MqttQos.AT_LEAST_ONCE).send();
        watcher.disconnect();
        Mqtt5BlockingClient willing = clients.v5("dr-w-client");
        willing.connectWith().cleanStart(false).sessionExpiryInterval(300)
                .willPublish().topic("dr/w/t").payload(utf8("gone")).qos(MqttQos.AT_LEAST_ONCE).delayInterval(2)
                .applyWillPublish().send();
        willing.disconnectWith().reasonCode(com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode
                .DISCONNECT_WITH_WILL_MESSAGE).send();
        await().atMost(WAIT).until(() -> fixture.broker().connection("dr-w-client").isEmpty());

        restart();
        Mqtt5BlockingClient resumed = clients.v5("dr-w-watch");
        var publishes = resumed.publishes(MqttGlobalPublishFilter.ALL);
        resumed.connectWith().cleanStart(true).send();
        resumed.subscribeWith().topicFilter("dr/w/t").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(publishes.receive(QUIET.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isEmpty();
        assertThat(Await.text(Await.next(publishes))).isEqualTo("gone");
    }

    @Test
    @DisplayName("an outbound QoS 2 message in flight is resent with its packet id after a restart, and its PUBREL state kept")
    void outboundQos2InflightSurvives() throws Exception {
        restart();
        byte[] connect = concat(string("MQTT"), bytes(4, 0x00, 0, 60), string("dr-o-sub")); // 3.1.1, persistent
        int packetId;
        try (RawMqttClient raw = clients.raw()) {
            raw.sendPacket(0x10, connect);
            raw.expect(RawPackets.CONNACK, WAIT);
            raw.sendPacket(0x82, concat(bytes(0, 1), string("dr/o/t"), bytes(2)));
            raw.expect(RawPackets.SUBACK, WAIT);
            publish("dr/o/t", MqttQos.EXACTLY_ONCE, false, "x");
            RawMqttClient.Packet first = raw.expect(RawPackets.PUBLISH, WAIT);
            packetId = packetIdOf(first);
            // no PUBREC: the message is in flight when the broker stops
        }
        await().atMost(WAIT).until(() -> fixture.broker().connection("dr-o-sub").isEmpty());

        restart();
        try (RawMqttClient raw = clients.raw()) {
            raw.sendPacket(0x10, connect);
            raw.expect(RawPackets.CONNACK, WAIT);
            RawMqttClient.Packet again = raw.expect(RawPackets.PUBLISH, WAIT);
            assertThat(again.header() & 0x08).as("DUP").isEqualTo(0x08);
            assertThat(packetIdOf(again)).isEqualTo(packetId);
            raw.sendPacket(0x50, bytes(packetId >> 8, packetId & 0xFF)); // PUBREC
            raw.expect(RawPackets.PUBREL, WAIT);
        }
        await().atMost(WAIT).until(() -> fixture.broker().connection("dr-o-sub").isEmpty());

        restart(); // PUBREC received: only the PUBREL is left
        try (RawMqttClient raw = clients.raw()) {
            raw.sendPacket(0x10, connect);
            raw.expect(RawPackets.CONNACK, WAIT);
            RawMqttClient.Packet rel = raw.expect(RawPackets.PUBREL, WAIT);
            assertThat(rel.body()[0] << 8 & 0xFF00 | rel.body()[1] & 0xFF).isEqualTo(packetId);
            raw.sendPacket(0x70, bytes(packetId >> 8, packetId & 0xFF)); // PUBCOMP
            Session session = fixture.broker().sessions().get("dr-o-sub");
            await().atMost(WAIT).until(() -> session.inflightCount() == 0);
        }
        await().atMost(WAIT).until(() -> fixture.broker().connection("dr-o-sub").isEmpty());

        restart();
        try (RawMqttClient raw = clients.raw()) {
            raw.sendPacket(0x10, connect);
            raw.expect(RawPackets.CONNACK, WAIT);
            assertThat(raw.poll(QUIET)).isEmpty();
        }
    }

    private static int packetIdOf(RawMqttClient.Packet publish) {
        byte[] body = publish.body();
        int topicLength = (body[0] & 0xFF) << 8 | body[1] & 0xFF;
        return (body[2 + topicLength] & 0xFF) << 8 | body[3 + topicLength] & 0xFF;
    }
}
