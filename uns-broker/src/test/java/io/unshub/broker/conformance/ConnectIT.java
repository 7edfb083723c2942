package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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

/** MQTT 5.0 sections 3.1 (CONNECT) and 3.2 (CONNACK), and their MQTT 3.1/3.1.1 counterparts. */
@ExtendWith(NoLeaks.class)
class ConnectIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    // ------------------------------------------------------------------ protocol levels

    @Test
    @DisplayName("[MQTT-3.1.2-1] protocol level 3 (MQIsdp, MQTT 3.1) connects and exchanges messages")
    void mqtt31Connects() throws Exception {
        var paho = clients.paho3("p31");
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
        options.setCleanSession(true);
        paho.connect(options);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        paho.subscribe("v31/t", 1, (topic, message) -> received.add(topic + "=" + new String(message.getPayload())));
        paho.publish("v31/t", utf8("hello"), 1, false);

        assertThat(next(received)).isEqualTo("v31/t=hello");
        assertThat(fixture.broker().connection("p31").orElseThrow().protocolVersion()).isEqualTo("3.1");
        paho.disconnect();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-2] protocol level 4 (MQTT 3.1.1) connects")
    void mqtt311Connects() {
        Mqtt3BlockingClient client = clients.v3("p311");
        Mqtt3ConnAck connAck = client.connect();
        assertThat(connAck.getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
        assertThat(fixture.broker().connection("p311").orElseThrow().protocolVersion()).isEqualTo("3.1.1");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-2] protocol level 5 (MQTT 5.0) connects")
    void mqtt5Connects() {
        Mqtt5BlockingClient client = clients.v5("p5");
        Mqtt5ConnAck connAck = client.connect();
        assertThat(connAck.getReasonCode().getCode()).isZero();
        assertThat(fixture.broker().connection("p5").orElseThrow().protocolVersion()).isEqualTo("5.0");
    }

    // ------------------------------------------------------------------ clean session / clean start, session present

    @Test
    @DisplayName("[MQTT-3.1.2-4] [MQTT-3.1.2-5] [MQTT-3.2.2-2] MQTT 3.1.1 clean session 0 resumes the session, 1 discards it")
    void mqtt311CleanSession() throws Exception {
        Mqtt3BlockingClient first = clients.v3("cs311");
        assertThat(first.connectWith().cleanSession(false).send().isSessionPresent()).isFalse();
        first.subscribeWith().topicFilter("cs311/t").qos(MqttQos.AT_LEAST_ONCE).send();
        first.disconnect();

        Mqtt3BlockingClient second = clients.v3("cs311");
        var publishes = second.publishes(MqttGlobalPublishFilter.ALL);
        assertThat(second.connectWith().cleanSession(false).send().isSessionPresent())
                .as("session present after resuming").isTrue();
        clients.connectedV5("cs311-pub").publishWith().topic("cs311/t").qos(MqttQos.AT_LEAST_ONCE)
                .payload(utf8("kept")).send();
        assertThat(text(next(publishes))).as("the subscription survived the reconnect").isEqualTo("kept");
        second.disconnect();

        Mqtt3BlockingClient third = clients.v3("cs311");
        var thirdPublishes = third.publishes(MqttGlobalPublishFilter.ALL);
        assertThat(third.connectWith().cleanSession(true).send().isSessionPresent())
                .as("[MQTT-3.2.2-1] session present 0 with clean session").isFalse();
        clients.connectedV5("cs311-pub2").publishWith().topic("cs311/t").qos(MqttQos.AT_LEAST_ONCE)
                .payload(utf8("gone")).send();
        nothingMore(thirdPublishes);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-4] [MQTT-3.2.2-2] MQTT 5 clean start 0 with session expiry resumes, clean start 1 discards")
    void mqtt5CleanStart() throws Exception {
        Mqtt5BlockingClient first = clients.v5("cs5");
        assertThat(first.connectWith().cleanStart(false).sessionExpiryInterval(60).send().isSessionPresent()).isFalse();
        first.subscribeWith().topicFilter("cs5/t").qos(MqttQos.AT_LEAST_ONCE).send();
        first.disconnect();

        Mqtt5BlockingClient second = clients.v5("cs5");
        assertThat(second.connectWith().cleanStart(false).sessionExpiryInterval(60).send().isSessionPresent()).isTrue();
        second.disconnect();

        Mqtt5BlockingClient third = clients.v5("cs5");
        var publishes = third.publishes(MqttGlobalPublishFilter.ALL);
        assertThat(third.connectWith().cleanStart(true).send().isSessionPresent()).isFalse();
        clients.connectedV5("cs5-pub").publishWith().topic("cs5/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("x")).send();
        nothingMore(publishes);
    }

    @Test
    @DisplayName("[MQTT-3.2.2-1] [MQTT-3.2.2-2] [MQTT-3.2.2-3] session present bit in the CONNACK flags byte (raw, 3.1.1)")
    void sessionPresentBitOnTheWire() throws Exception {
        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "raw-sp", false, 60, null));
            RawPackets.ConnAck connAck = RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 4);
            assertThat(connAck.flags()).isEqualTo(0x00);
            assertThat(connAck.reasonCode()).isZero();
            raw.send(RawPackets.disconnect());
            assertThat(raw.isClosedByBroker(WAIT)).isTrue();
        }
        await().atMost(WAIT).until(() -> fixture.broker().connection("raw-sp").isEmpty());
        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "raw-sp", false, 60, null));
            assertThat(RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 4).flags()).isEqualTo(0x01);
            raw.send(RawPackets.disconnect());
            assertThat(raw.isClosedByBroker(WAIT)).isTrue();
        }
        await().atMost(WAIT).until(() -> fixture.broker().connection("raw-sp").isEmpty());
        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "raw-sp", true, 60, null));
            assertThat(RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 4).flags()).isEqualTo(0x00);
        }
    }

    // ------------------------------------------------------------------ client identifiers

    @Test
    @DisplayName("[MQTT-3.1.3-6] [MQTT-3.2.2-16] MQTT 5 empty client id gets an assigned client identifier")
    void mqtt5EmptyClientIdIsAssigned() {
        Mqtt5BlockingClient client = clients.v5(null);
        Mqtt5ConnAck connAck = client.connect();
        assertThat(connAck.getAssignedClientIdentifier()).isPresent();
        String assigned = connAck.getAssignedClientIdentifier().get().toString();
        assertThat(assigned).isNotEmpty();
        assertThat(fixture.broker().connection(assigned)).isPresent();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-5] [MQTT-3.1.3-6] an identifier is assigned even when client ids are limited to the minimum 23 characters")
    void assignedClientIdFitsMinimumClientIdLength() {
        fixture.restart(c -> new BrokerConfig(c.host(), c.port(), c.wsPort(), c.wsPath(), c.maxPacketSize(), 23,
                c.maxKeepAliveSeconds(), c.receiveMaximum(), c.topicAliasMaximum(), c.maxSessionExpirySeconds(),
                c.maxQueuedMessages(), c.queueQos0WhileOffline(), c.writeBufferHighWaterMark(), c.sysInterval(),
                c.nodeName(), c.serverReference(), c.serverMovedPermanently(), c.allowEmptyClientId(), c.ioThreads(),
                c.tls(), c.limits()));
        Mqtt5ConnAck connAck = clients.v5(null).connect();
        assertThat(connAck.getReasonCode().isError()).isFalse();
        assertThat(connAck.getAssignedClientIdentifier()).isPresent();
        assertThat(clients.v5("exactly-23-characters-x").connect().getReasonCode().isError())
                .as("[MQTT-3.1.3-5] 23 characters are always allowed").isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-7] MQTT 3.1.1 empty client id with clean session 1 is accepted")
    void mqtt311EmptyClientIdWithCleanSession() {
        Mqtt3BlockingClient client = clients.v3(null);
        assertThat(client.connectWith().cleanSession(true).send().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
        assertThat(fixture.broker().connections()).hasSize(1);
    }

    @Test
    @DisplayName("[MQTT-3.1.3-8] MQTT 3.1.1 empty client id with clean session 0 is refused with 0x02")
    void mqtt311EmptyClientIdWithoutCleanSessionIsRefused() {
        Mqtt3BlockingClient client = clients.v3(null);
        assertThatThrownBy(() -> client.connectWith().cleanSession(false).send())
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
                        .isEqualTo(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED));
        assertThat(fixture.broker().connections()).isEmpty();
    }

    // ------------------------------------------------------------------ session takeover

    @Test
    @DisplayName("[MQTT-3.1.4-3] MQTT 5 session takeover: the old client gets DISCONNECT 0x8E and is closed")
    void mqtt5TakeoverDisconnectsOldClient() {
        CompletableFuture<Throwable> oldCause = new CompletableFuture<>();
        Mqtt5BlockingClient old = clients.v5("takeover5", b -> b.addDisconnectedListener(ctx -> {
            if (ctx.getSource() == MqttDisconnectSource.SERVER) {
                oldCause.complete(ctx.getCause());
            }
        }));
        old.connect();
        Mqtt5BlockingClient fresh = clients.v5("takeover5");
        fresh.connect();

        Throwable cause = oldCause.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
        assertThat(cause).isInstanceOfSatisfying(Mqtt5DisconnectException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER));
        await().atMost(WAIT).until(() -> !old.getState().isConnected());
        assertThat(fresh.getState().isConnected()).isTrue();
        assertThat(fixture.broker().connections()).containsOnlyKeys("takeover5");
    }

    @Test
    @DisplayName("[MQTT-3.1.4-3] MQTT 3.1.1 session takeover closes the old connection (Paho v3 loses it)")
    void mqtt311TakeoverClosesOldConnection() throws Exception {
        var old = clients.paho3("takeover3");
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        old.setCallback(new MqttCallback() {
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
        options.setAutomaticReconnect(false);
        old.connect(options);
        clients.connectedV3("takeover3");

        lost.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
        assertThat(old.isConnected()).isFalse();
        assertThat(fixture.broker().connections()).containsOnlyKeys("takeover3");
    }

    @Test
    @DisplayName("§3.1.4 packets a client sends right after CONNECT, before the CONNACK, are processed in order (raw)")
    void packetsPipelinedAfterConnect() throws Exception {
        RawMqttClient raw = clients.raw();
        raw.send(RawMqttClient.concat(
                RawPackets.connect(5, "pipelined", true, 60, null),
                RawPackets.subscribe(5, 1, null, "pipe/t", 1),
                RawPackets.publish(5, "pipe/t", 1, false, false, 2, null, utf8("to myself"))));
        assertThat(raw.expect(WAIT).type()).isEqualTo(RawPackets.CONNACK);
        assertThat(raw.expect(WAIT).type()).isEqualTo(RawPackets.SUBACK);
        List<Integer> rest = new ArrayList<>();
        RawPackets.Publish echoed = null;
        for (int i = 0; i < 2; i++) {
            RawMqttClient.Packet packet = raw.expect(WAIT);
            rest.add(packet.type());
            if (packet.type() == RawPackets.PUBLISH) {
                echoed = RawPackets.publish(packet, 5);
            }
        }
        assertThat(rest).containsExactlyInAnyOrder(RawPackets.PUBACK, RawPackets.PUBLISH);
        assertThat(echoed.payloadText()).isEqualTo("to myself");
    }

    // ------------------------------------------------------------------ keep alive

    @Test
    @DisplayName("[MQTT-3.1.2-22] a silent 3.1.1 client with keep alive 1 s is closed after 1.5 s, not before 1 s")
    void keepAliveTimeoutClosesSilentClient() throws Exception {
        RawMqttClient raw = clients.raw();
        raw.send(RawPackets.connect(4, "ka-silent", true, 1, null));
        assertThat(RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 4).reasonCode()).isZero();

        await().atLeast(Duration.ofMillis(1000)).atMost(Duration.ofMillis(2600)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> raw.isClosedByBroker(Duration.ofMillis(20)));
    }

    @Test
    @DisplayName("[MQTT-3.1.2-22] a silent MQTT 5 client with keep alive 1 s gets DISCONNECT 0x8D after 1.5 s")
    void keepAliveTimeoutSendsDisconnect0x8D() throws Exception {
        RawMqttClient raw = clients.raw();
        raw.send(RawPackets.connect(5, "ka-silent5", true, 1, null));
        assertThat(RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 5).reasonCode()).isZero();

        AtomicReference<RawMqttClient.Packet> disconnect = new AtomicReference<>();
        await().atLeast(Duration.ofMillis(1000)).atMost(Duration.ofMillis(2600)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    raw.poll(Duration.ofMillis(20)).ifPresent(disconnect::set);
                    return disconnect.get() != null;
                });
        assertThat(disconnect.get().type()).isEqualTo(RawPackets.DISCONNECT);
        assertThat(disconnect.get().reasonCode()).isEqualTo(0x8D);
        assertThat(raw.isClosedByBroker(WAIT)).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-23] a client that pings within its keep alive stays connected")
    void pingingClientStaysConnected() {
        Mqtt5BlockingClient client = clients.v5("ka-ping");
        client.connectWith().keepAlive(1).send();
        await().during(Duration.ofMillis(2200)).atMost(Duration.ofSeconds(4))
                .until(() -> client.getState().isConnected() && fixture.broker().connection("ka-ping").isPresent());
    }

    @Test
    @DisplayName("[MQTT-3.1.2-21] [MQTT-3.2.2-21] maximum keep alive is imposed and returned as server keep alive")
    void serverKeepAlive() {
        fixture.restart(c -> c.withLimits(c.maxPacketSize(), c.receiveMaximum(), c.topicAliasMaximum(),
                c.maxQueuedMessages(), 30));

        Mqtt5BlockingClient tooLong = clients.v5("ka-long");
        assertThat(tooLong.connectWith().keepAlive(600).send().getServerKeepAlive()).hasValue(30);
        assertThat(fixture.broker().connection("ka-long").orElseThrow().keepAliveSeconds()).isEqualTo(30);

        Mqtt5BlockingClient zero = clients.v5("ka-zero");
        assertThat(zero.connectWith().keepAlive(0).send().getServerKeepAlive())
                .as("keep alive 0 (never) is also capped").hasValue(30);

        Mqtt5BlockingClient shorter = clients.v5("ka-short");
        assertThat(shorter.connectWith().keepAlive(10).send().getServerKeepAlive())
                .as("a keep alive within the maximum is kept and not announced").isEmpty();
        assertThat(fixture.broker().connection("ka-short").orElseThrow().keepAliveSeconds()).isEqualTo(10);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-21] [MQTT-3.1.2-22] the server keep alive is enforced: a silent client is closed after 1.5 x the imposed value")
    void serverKeepAliveIsEnforced() throws Exception {
        fixture.restart(c -> c.withLimits(c.maxPacketSize(), c.receiveMaximum(), c.topicAliasMaximum(),
                c.maxQueuedMessages(), 1));
        RawMqttClient raw = clients.raw();
        raw.send(RawPackets.connect(5, "ka-imposed", true, 600, null));
        RawPackets.ConnAck connAck = RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 5);
        assertThat(connAck.property(RawPackets.SERVER_KEEP_ALIVE)).isEqualTo(1);

        await().atLeast(Duration.ofMillis(1000)).atMost(Duration.ofMillis(2600)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> raw.isClosedByBroker(Duration.ofMillis(20)));
    }

    // ------------------------------------------------------------------ CONNACK properties

    @Test
    @DisplayName("§3.2.2.3.2 session expiry above the server maximum is capped and announced in CONNACK")
    void sessionExpiryCapped() {
        fixture.restart(c -> c.withMaxSessionExpirySeconds(30));
        Mqtt5BlockingClient client = clients.v5("se-cap");
        Mqtt5ConnAck connAck = client.connectWith().sessionExpiryInterval(3600).send();
        assertThat(connAck.getSessionExpiryInterval()).hasValue(30);
        assertThat(fixture.broker().connection("se-cap").orElseThrow().sessionExpirySeconds()).isEqualTo(30);

        Mqtt5BlockingClient within = clients.v5("se-ok");
        assertThat(within.connectWith().sessionExpiryInterval(10).send().getSessionExpiryInterval()).isEmpty();
    }

    @Test
    @DisplayName("§3.2.2.3.3 §3.2.2.3.6 §3.2.2.3.8 CONNACK announces receive maximum, maximum packet size and topic alias maximum")
    void connAckAnnouncesLimits() {
        fixture.restart(c -> c.withLimits(4096, 7, 3, c.maxQueuedMessages(), c.maxKeepAliveSeconds()));
        Mqtt5ConnAck connAck = clients.v5("limits").connect();
        assertThat(connAck.getRestrictions().getReceiveMaximum()).isEqualTo(7);
        assertThat(connAck.getRestrictions().getMaximumPacketSize()).isEqualTo(4096);
        assertThat(connAck.getRestrictions().getTopicAliasMaximum()).isEqualTo(3);
    }

    @Test
    @DisplayName("[MQTT-4.12.0-1] a CONNECT with an authentication method is refused with 0x8C (Paho v5)")
    void authenticationMethodRefused() throws Exception {
        var paho = clients.paho5("auth");
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setAuthMethod("SCRAM-SHA-1");
        options.setAuthData(utf8("client-first"));
        assertThatThrownBy(() -> paho.connect(options))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(0x8C));
        assertThat(fixture.broker().connections()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.2.2-6] [MQTT-3.2.2-7] the CONNACK of a refused MQTT 5 CONNECT carries the reason code and closes")
    void refusedConnectClosesConnection() throws Exception {
        RawMqttClient raw = clients.raw();
        byte[] properties = RawPackets.properties(new byte[] {0x15}, RawMqttClient.string("TOKEN"));
        raw.send(RawPackets.connect(5, "auth-raw", true, 60, properties));
        RawPackets.ConnAck connAck = RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 5);
        assertThat(connAck.reasonCode()).isEqualTo(0x8C);
        assertThat(connAck.sessionPresent()).as("[MQTT-3.2.2-6] session present 0 on refusal").isFalse();
        assertThat(raw.isClosedByBroker(WAIT)).isTrue();
    }
}
