package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.unshub.broker.metrics.BrokerMetrics.DropReason;
import io.unshub.broker.session.Session;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import io.unshub.core.message.UnsMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.unshub.broker.conformance.Await.QUIET;
import static io.unshub.broker.conformance.Await.WAIT;
import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.nothingMore;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static io.unshub.broker.testing.RawPackets.MESSAGE_EXPIRY_INTERVAL;
import static io.unshub.broker.testing.RawPackets.PUBLISH;
import static io.unshub.broker.testing.RawPackets.TOPIC_ALIAS;
import static io.unshub.broker.testing.RawPackets.TOPIC_ALIAS_MAXIMUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** MQTT 5.0 only features: topic aliases, message properties, reason strings, server DISCONNECT, packet size, redirection. */
@ExtendWith(NoLeaks.class)
class Mqtt5FeaturesIT {

    private static final byte[] NOT_UTF8 = {(byte) 0xC3, (byte) 0x28};

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private Mqtt5BlockingClient.Mqtt5Publishes subscriber(String id, String filter) {
        Mqtt5BlockingClient subscriber = clients.connectedV5(id);
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).send();
        return publishes;
    }

    private static byte[] aliasProperties(int alias) {
        return RawPackets.properties(RawPackets.shortProperty(TOPIC_ALIAS, alias));
    }

    /** The PUBACK of an async QoS 1 publish, whether the client reports a failure code as an error or not. */
    private static Mqtt5PubAck pubAck(CompletableFuture<Mqtt5PublishResult> sent) throws Exception {
        try {
            Mqtt5PublishResult result = sent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (result.getError().orElse(null) instanceof Mqtt5PubAckException e) {
                return e.getMqttMessage();
            }
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5PubAckException pubAckException) {
                return pubAckException.getMqttMessage();
            }
            throw e;
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    // ------------------------------------------------------------------ topic aliases, inbound

    @Test
    @DisplayName("[MQTT-3.3.2-12] the broker resolves topic aliases a client sets and reuses, and remaps them (raw publisher)")
    void inboundTopicAliases() throws Exception {
        var publishes = subscriber("tai-sub", "tai/#");
        RawMqttClient raw = clients.raw().connect(5, "tai-pub");
        raw.send(RawPackets.publish(5, "tai/first", 0, false, false, 0, aliasProperties(1), utf8("1")));
        raw.send(RawPackets.publish(5, "", 0, false, false, 0, aliasProperties(1), utf8("2")));
        raw.send(RawPackets.publish(5, "tai/second", 1, false, false, 5, aliasProperties(1), utf8("3")));
        raw.expect(RawPackets.PUBACK, WAIT);
        raw.send(RawPackets.publish(5, "", 2, false, false, 6, aliasProperties(1), utf8("4")));
        raw.expect(RawPackets.PUBREC, WAIT);

        List<String> received = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Mqtt5Publish publish = next(publishes);
            received.add(publish.getTopic() + "=" + text(publish));
        }
        // Order is only guaranteed per QoS [MQTT-4.6.0-6]; the four use different QoS levels.
        assertThat(received).containsExactlyInAnyOrder("tai/first=1", "tai/first=2", "tai/second=3", "tai/second=4");
    }

    @Test
    @DisplayName("[MQTT-3.3.2-9] a topic alias above the broker's topic alias maximum -> DISCONNECT 0x94")
    void inboundTopicAliasAboveMaximum() throws Exception {
        fixture.restart(c -> c.withLimits(c.maxPacketSize(), c.receiveMaximum(), 2, c.maxQueuedMessages(),
                c.maxKeepAliveSeconds()));
        RawMqttClient raw = clients.raw();
        raw.send(RawPackets.connect(5, "tamax", true, 60, null));
        assertThat(RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 5).property(TOPIC_ALIAS_MAXIMUM)).isEqualTo(2);
        raw.send(RawPackets.publish(5, "ta/x", 0, false, false, 0, aliasProperties(2), utf8("ok")));
        raw.send(RawPackets.publish(5, "ta/x", 0, false, false, 0, aliasProperties(3), utf8("too far")));
        RawMqttClient.Packet disconnect = raw.expect(RawPackets.DISCONNECT, WAIT);
        assertThat(disconnect.reasonCode()).isEqualTo(0x94);
        assertThat(raw.isClosedByBroker(WAIT)).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.3.2-7] topic alias mappings do not carry over to a new network connection")
    void topicAliasesAreNotCarriedAcrossConnections() throws Exception {
        try (RawMqttClient first = clients.raw()) {
            first.send(RawPackets.connect(5, "tacc", false, 60,
                    RawPackets.properties(RawPackets.intProperty(RawPackets.SESSION_EXPIRY_INTERVAL, 60))));
            first.expect(RawPackets.CONNACK, WAIT);
            first.send(RawPackets.publish(5, "tacc/t", 1, false, false, 1, aliasProperties(1), utf8("x")));
            first.expect(RawPackets.PUBACK, WAIT);
        }
        await().atMost(WAIT).until(() -> fixture.broker().connection("tacc").isEmpty());
        RawMqttClient second = clients.raw();
        second.send(RawPackets.connect(5, "tacc", false, 60,
                RawPackets.properties(RawPackets.intProperty(RawPackets.SESSION_EXPIRY_INTERVAL, 60))));
        assertThat(RawPackets.connAck(second.expect(RawPackets.CONNACK, WAIT), 5).sessionPresent()).isTrue();
        second.send(RawPackets.publish(5, "", 1, false, false, 2, aliasProperties(1), utf8("y")));
        RawMqttClient.Packet disconnect = second.expect(RawPackets.DISCONNECT, WAIT);
        assertThat(disconnect.reasonCode()).as("an unknown alias is a protocol error").isEqualTo(0x82);
    }

    @Test
    @DisplayName("[MQTT-3.3.2-12] a HiveMQ publisher using topic aliases automatically reaches subscribers on the right topics")
    void hiveMqPublisherWithAliases() throws Exception {
        var publishes = subscriber("tah-sub", "tah/#");
        Mqtt5BlockingClient publisher = clients.v5("tah-pub");
        publisher.connectWith().restrictions().sendTopicAliasMaximum(4).applyRestrictions().send();
        for (int i = 0; i < 12; i++) {
            publisher.publishWith().topic("tah/" + (i % 3)).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m" + i)).send();
        }
        for (int i = 0; i < 12; i++) {
            Mqtt5Publish publish = next(publishes);
            assertThat(publish.getTopic() + "=" + text(publish)).isEqualTo("tah/" + (i % 3) + "=m" + i);
        }
    }

    // ------------------------------------------------------------------ topic aliases, outbound

    @Test
    @DisplayName("[MQTT-3.3.2-11] with a client topic alias maximum the broker sets aliases, reuses them with an empty topic, and never exceeds the maximum (raw)")
    void outboundTopicAliases() throws Exception {
        RawMqttClient raw = clients.raw();
        raw.send(RawPackets.connect(5, "tao-sub", true, 60,
                RawPackets.properties(RawPackets.shortProperty(TOPIC_ALIAS_MAXIMUM, 2))));
        raw.expect(RawPackets.CONNACK, WAIT);
        raw.send(RawPackets.subscribe(5, 1, null, "tao/#", 0));
        raw.expect(RawPackets.SUBACK, WAIT);
        Mqtt5BlockingClient publisher = clients.connectedV5("tao-pub");
        for (String topic : List.of("tao/a", "tao/a", "tao/b", "tao/c", "tao/c", "tao/b")) {
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8(topic)).send();
        }

        List<RawPackets.Publish> received = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            received.add(RawPackets.publish(raw.expect(PUBLISH, WAIT), 5));
        }
        assertThat(received).extracting(RawPackets.Publish::payloadText)
                .containsExactly("tao/a", "tao/a", "tao/b", "tao/c", "tao/c", "tao/b");
        assertThat(received).extracting(RawPackets.Publish::topic)
                .containsExactly("tao/a", "", "tao/b", "tao/c", "tao/c", "");
        assertThat(received).extracting(p -> p.property(TOPIC_ALIAS))
                .containsExactly(1, 1, 2, null, null, 2);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-27] without a client topic alias maximum the broker sends no topic aliases (raw)")
    void noOutboundAliasesWithoutClientMaximum() throws Exception {
        RawMqttClient raw = clients.raw().connect(5, "tan-sub");
        raw.send(RawPackets.subscribe(5, 1, null, "tan/t", 0));
        raw.expect(RawPackets.SUBACK, WAIT);
        Mqtt5BlockingClient publisher = clients.connectedV5("tan-pub");
        for (int i = 0; i < 3; i++) {
            publisher.publishWith().topic("tan/t").payload(utf8("x")).qos(MqttQos.AT_MOST_ONCE).send();
        }
        for (int i = 0; i < 3; i++) {
            RawPackets.Publish publish = RawPackets.publish(raw.expect(PUBLISH, WAIT), 5);
            assertThat(publish.topic()).isEqualTo("tan/t");
            assertThat(publish.property(TOPIC_ALIAS)).isNull();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-10] a HiveMQ subscriber with topic alias maximum 2 receives every topic correctly")
    void hiveMqSubscriberWithAliases() throws Exception {
        Mqtt5BlockingClient subscriber = clients.v5("tas-sub");
        subscriber.connectWith().restrictions().topicAliasMaximum(2).applyRestrictions().send();
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("tas/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient publisher = clients.connectedV5("tas-pub");
        for (int i = 0; i < 12; i++) {
            publisher.publishWith().topic("tas/" + (i % 4)).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m" + i)).send();
        }
        for (int i = 0; i < 12; i++) {
            Mqtt5Publish publish = next(publishes);
            assertThat(publish.getTopic() + "=" + text(publish)).isEqualTo("tas/" + (i % 4) + "=m" + i);
        }
        assertThat(subscriber.getState().isConnected()).isTrue();
    }

    // ------------------------------------------------------------------ message expiry

    @Test
    @DisplayName("[MQTT-3.3.2-6] the message expiry interval is decremented by the time the message waited in the broker")
    void messageExpiryDecremented() throws Exception {
        Mqtt5BlockingClient offline = clients.v5("mx-sub");
        offline.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        offline.subscribeWith().topicFilter("mx/t").qos(MqttQos.AT_LEAST_ONCE).send();
        offline.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection("mx-sub").isEmpty());

        // Retained as well, so the stored copy (the same message object) shows how long it has waited.
        clients.connectedV5("mx-pub").publishWith().topic("mx/t").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .messageExpiryInterval(30).payload(utf8("waiting")).send();
        UnsMessage stored = fixture.broker().retained().get("mx/t");
        await().atMost(WAIT).until(() -> stored.remainingExpirySeconds(System.nanoTime()) <= 29);

        Mqtt5BlockingClient resumed = clients.v5("mx-sub");
        var publishes = resumed.publishes(MqttGlobalPublishFilter.ALL);
        resumed.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        Mqtt5Publish received = next(publishes);
        assertThat(received.getMessageExpiryInterval()).isPresent();
        assertThat(received.getMessageExpiryInterval().getAsLong()).isBetween(1L, 29L);

        // A retained message sent at subscribe time also shows only what is left of its interval.
        var late = subscriber("mx-late", "mx/t");
        Mqtt5Publish retained = next(late);
        assertThat(retained.isRetain()).isTrue();
        assertThat(retained.getMessageExpiryInterval().getAsLong()).isBetween(1L, 29L);

        // A live subscriber sees (at most) the full interval.
        var live = subscriber("mx-live", "mx/live");
        clients.connectedV5("mx-pub2").publishWith().topic("mx/live").qos(MqttQos.AT_LEAST_ONCE)
                .messageExpiryInterval(30).payload(utf8("fresh")).send();
        assertThat(next(live).getMessageExpiryInterval().getAsLong()).isBetween(28L, 30L);
    }

    @Test
    @DisplayName("[MQTT-3.3.2-5] a queued message whose expiry interval passed is not delivered")
    void expiredQueuedMessageDropped() throws Exception {
        Mqtt5BlockingClient offline = clients.v5("mxe-sub");
        offline.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        offline.subscribeWith().topicFilter("mxe/#").qos(MqttQos.AT_LEAST_ONCE).send();
        offline.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection("mxe-sub").isEmpty());

        Mqtt5BlockingClient publisher = clients.connectedV5("mxe-pub");
        publisher.publishWith().topic("mxe/short").qos(MqttQos.AT_LEAST_ONCE).retain(true).messageExpiryInterval(1)
                .payload(utf8("expires")).send();
        publisher.publishWith().topic("mxe/long").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("stays")).send();
        UnsMessage stored = fixture.broker().retained().get("mxe/short");
        await().atMost(WAIT).until(() -> stored.isExpired(System.nanoTime()));
        long expiredBefore = fixture.broker().metrics().droppedCount(DropReason.EXPIRED);

        Mqtt5BlockingClient resumed = clients.v5("mxe-sub");
        var publishes = resumed.publishes(MqttGlobalPublishFilter.ALL);
        resumed.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        assertThat(text(next(publishes))).isEqualTo("stays");
        nothingMore(publishes);
        assertThat(fixture.broker().metrics().droppedCount(DropReason.EXPIRED)).isGreaterThan(expiredBefore);
    }

    // ------------------------------------------------------------------ payload format and message properties

    @Test
    @DisplayName("[MQTT-3.3.2-4] the payload format indicator is forwarded unaltered with a UTF-8 payload")
    void payloadFormatIndicatorForwarded() throws Exception {
        var publishes = subscriber("pf-sub", "pf/t");
        clients.connectedV5("pf-pub").publishWith().topic("pf/t").qos(MqttQos.AT_LEAST_ONCE)
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).payload(utf8("grüße ✓")).send();
        Mqtt5Publish received = next(publishes);
        assertThat(received.getPayloadFormatIndicator()).hasValue(Mqtt5PayloadFormatIndicator.UTF_8);
        assertThat(text(received)).isEqualTo("grüße ✓");
    }

    @Test
    @DisplayName("[MQTT-3.3.2-4] payload format indicator 1 with a non-UTF-8 payload: PUBACK 0x99 at QoS 1, not forwarded")
    void invalidUtf8PayloadRejectedAtQos1() throws Exception {
        var publishes = subscriber("pfx-sub", "pfx/t");
        var publisher = clients.connectedV5("pfx-pub").toAsync();
        Mqtt5PubAck ack = pubAck(publisher.publishWith().topic("pfx/t").qos(MqttQos.AT_LEAST_ONCE)
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).payload(NOT_UTF8).send());
        assertThat(ack.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        nothingMore(publishes);
        assertThat(publisher.getState().isConnected()).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.3.2-4] payload format indicator 1 with a non-UTF-8 payload at QoS 0 -> DISCONNECT 0x99")
    void invalidUtf8PayloadAtQos0Disconnects() throws Exception {
        RawMqttClient raw = clients.raw().connect(5, "pf0");
        raw.send(RawPackets.publish(5, "pf0/t", 0, false, false, 0,
                RawPackets.properties(RawPackets.byteProperty(RawPackets.PAYLOAD_FORMAT_INDICATOR, 1)), NOT_UTF8));
        assertThat(raw.expect(RawPackets.DISCONNECT, WAIT).reasonCode()).isEqualTo(0x99);
        assertThat(raw.isClosedByBroker(WAIT)).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20] content type, response topic, correlation data and user properties arrive unchanged and in order")
    void messagePropertiesForwardedUnchanged() throws Exception {
        var hive = subscriber("mp-sub", "mp/t");
        try (Paho5Receiver paho = new Paho5Receiver(fixture, "mp-paho")) {
            paho.subscribe("mp/t", 1, 0);
            byte[] correlation = {0, 1, 2, (byte) 0xFF, 0x7F};
            clients.connectedV5("mp-pub").publishWith().topic("mp/t").qos(MqttQos.AT_LEAST_ONCE)
                    .contentType("application/vnd.uns+json; charset=utf-8")
                    .responseTopic("mp/reply/42")
                    .correlationData(correlation)
                    .userProperties().add("site", "A").add("line", "1").add("site", "B").add("ü", "✓").applyUserProperties()
                    .payload(utf8("{}")).send();

            Mqtt5Publish received = next(hive);
            assertThat(received.getContentType().map(Object::toString)).hasValue("application/vnd.uns+json; charset=utf-8");
            assertThat(received.getResponseTopic().map(Object::toString)).hasValue("mp/reply/42");
            assertThat(received.getCorrelationData().map(Mqtt5FeaturesIT::bytes)).hasValue(correlation);
            assertThat(received.getUserProperties().asList()).extracting(p -> p.getName() + "=" + p.getValue())
                    .containsExactly("site=A", "line=1", "site=B", "ü=✓");

            Paho5Receiver.Received viaPaho = next(paho.messages);
            var properties = viaPaho.message().getProperties();
            assertThat(properties.getContentType()).isEqualTo("application/vnd.uns+json; charset=utf-8");
            assertThat(properties.getResponseTopic()).isEqualTo("mp/reply/42");
            assertThat(properties.getCorrelationData()).isEqualTo(correlation);
            assertThat(properties.getUserProperties()).extracting(p -> p.getKey() + "=" + p.getValue())
                    .containsExactly("site=A", "line=1", "site=B", "ü=✓");
        }
    }

    // ------------------------------------------------------------------ reason strings

    @Test
    @DisplayName("[MQTT-3.1.2-29] reason strings on a PUBACK only when the client requested problem information")
    void reasonStringsOnlyWhenRequested() throws Exception {
        Mqtt5BlockingClient wants = clients.v5("rs-wants");
        wants.connectWith().restrictions().requestProblemInformation(true).applyRestrictions().send();
        Mqtt5PubAck withReason = pubAck(wants.toAsync().publishWith().topic("rs/t").qos(MqttQos.AT_LEAST_ONCE)
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).payload(NOT_UTF8).send());
        assertThat(withReason.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        assertThat(withReason.getReasonString()).isPresent();

        Mqtt5BlockingClient declines = clients.v5("rs-declines");
        declines.connectWith().restrictions().requestProblemInformation(false).applyRestrictions().send();
        Mqtt5PubAck withoutReason = pubAck(declines.toAsync().publishWith().topic("rs/t").qos(MqttQos.AT_LEAST_ONCE)
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).payload(NOT_UTF8).send());
        assertThat(withoutReason.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        assertThat(withoutReason.getReasonString()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-29] no reason string on a PUBREC either without request problem information (raw)")
    void noReasonStringOnPubRecWhenDeclined() throws Exception {
        RawMqttClient raw = clients.raw();
        raw.send(RawPackets.connect(5, "rs-raw", true, 60,
                RawPackets.properties(RawPackets.byteProperty(0x17, 0))));
        raw.expect(RawPackets.CONNACK, WAIT);
        raw.send(RawPackets.publish(5, "rs/raw", 2, false, false, 3,
                RawPackets.properties(RawPackets.byteProperty(RawPackets.PAYLOAD_FORMAT_INDICATOR, 1)), NOT_UTF8));
        RawMqttClient.Packet pubRec = raw.expect(RawPackets.PUBREC, WAIT);
        assertThat(RawPackets.ackReasonCode(pubRec)).isEqualTo(0x99);
        // Body: packet id (2), reason code (1), and then either nothing or an empty property block.
        assertThat(pubRec.body().length).isLessThanOrEqualTo(4);
    }

    // ------------------------------------------------------------------ server DISCONNECT

    @Test
    @DisplayName("[MQTT-3.14.0-1] Broker.disconnect(id) sends DISCONNECT 0x98 (administrative action) and closes")
    void serverDisconnect() throws Exception {
        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        Mqtt5BlockingClient client = clients.v5("admin-kick", b -> b.addDisconnectedListener(ctx -> {
            if (ctx.getSource() == MqttDisconnectSource.SERVER) {
                cause.complete(ctx.getCause());
            }
        }));
        client.connect();
        assertThat(fixture.broker().disconnect("admin-kick")).isTrue();
        assertThat(cause.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOfSatisfying(Mqtt5DisconnectException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.ADMINISTRATIVE_ACTION));
        await().atMost(WAIT).until(() -> fixture.broker().connection("admin-kick").isEmpty());
        assertThat(fixture.broker().disconnect("nobody")).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.14.0-1] stopping the broker sends MQTT 5 clients DISCONNECT 0x8B (server shutting down)")
    void shutdownSendsServerShuttingDown() throws Exception {
        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        Mqtt5BlockingClient client = clients.v5("shutdown", b -> b.addDisconnectedListener(ctx -> {
            if (ctx.getSource() == MqttDisconnectSource.SERVER) {
                cause.complete(ctx.getCause());
            }
        }));
        client.connect();
        fixture.stop();
        assertThat(cause.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOfSatisfying(Mqtt5DisconnectException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SERVER_SHUTTING_DOWN));
    }

    @Test
    @DisplayName("[MQTT-3.14.0-1] Broker.disconnect(id) closes an MQTT 3.1.1 client without a DISCONNECT packet")
    void serverDisconnectMqtt311() {
        Mqtt3BlockingClient client = clients.connectedV3("admin-kick3");
        assertThat(fixture.broker().disconnect("admin-kick3")).isTrue();
        await().atMost(WAIT).until(() -> !client.getState().isConnected());
    }

    // ------------------------------------------------------------------ maximum packet size

    @Test
    @DisplayName("§3.2.2.3.6 a packet above the broker's maximum packet size -> DISCONNECT 0x95 (raw); HiveMQ refuses to send it")
    void inboundMaximumPacketSize() throws Exception {
        fixture.restart(c -> c.withLimits(1024, c.receiveMaximum(), c.topicAliasMaximum(), c.maxQueuedMessages(),
                c.maxKeepAliveSeconds()));
        Mqtt5BlockingClient hive = clients.connectedV5("mps-hive");
        CompletableFuture<Mqtt5PublishResult> tooLarge = hive.toAsync().publishWith().topic("mps/in")
                .qos(MqttQos.AT_LEAST_ONCE).payload(new byte[2000]).send();
        Throwable error;
        try {
            error = tooLarge.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getError().orElse(null);
        } catch (ExecutionException e) {
            error = e.getCause();
        }
        assertThat(error).as("the client enforces the announced maximum packet size").isNotNull();
        assertThat(fixture.broker().metrics().messagesIn()).as("nothing reached the broker").isZero();

        RawMqttClient raw = clients.raw().connect(5, "mps-raw");
        raw.send(RawPackets.publish(5, "mps/in", 1, false, false, 1, null, new byte[2000]));
        assertThat(raw.expect(RawPackets.DISCONNECT, WAIT).reasonCode()).isEqualTo(0x95);
        assertThat(raw.isClosedByBroker(WAIT)).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-25] a message too large for a client's maximum packet size is dropped for that client only")
    void outboundMaximumPacketSize() throws Exception {
        Mqtt5BlockingClient small = clients.v5("mps-small");
        small.connectWith().restrictions().maximumPacketSize(256).applyRestrictions().send();
        var smallPublishes = small.publishes(MqttGlobalPublishFilter.ALL);
        small.subscribeWith().topicFilter("mps/t").qos(MqttQos.AT_LEAST_ONCE).send();
        var largePublishes = subscriber("mps-large", "mps/t");

        Mqtt5BlockingClient publisher = clients.connectedV5("mps-pub");
        publisher.publishWith().topic("mps/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[1000]).send();
        publisher.publishWith().topic("mps/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("small")).send();

        assertThat(next(largePublishes).getPayloadAsBytes()).hasSize(1000);
        assertThat(text(next(largePublishes))).isEqualTo("small");
        assertThat(text(next(smallPublishes))).as("the big one was skipped, the next one still arrives").isEqualTo("small");
        nothingMore(smallPublishes);
        assertThat(fixture.broker().metrics().droppedCount(DropReason.TOO_LARGE_FOR_CLIENT)).isEqualTo(1);
        assertThat(small.getState().isConnected()).isTrue();
        Session session = fixture.broker().sessions().get("mps-small");
        await().atMost(WAIT).until(() -> session.inflightCount() == 0 && session.queuedCount() == 0);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] [MQTT-3.1.2-25] the outbound size limit is exact: a packet of exactly the maximum is sent, one byte more is not (raw)")
    void outboundMaximumPacketSizeBoundary() throws Exception {
        RawMqttClient raw = clients.raw();
        raw.send(RawPackets.connect(5, "mpb-sub", true, 60,
                RawPackets.properties(RawPackets.intProperty(RawPackets.MAXIMUM_PACKET_SIZE, 100))));
        raw.expect(RawPackets.CONNACK, WAIT);
        raw.send(RawPackets.subscribe(5, 1, null, "mpb/t", 0));
        raw.expect(RawPackets.SUBACK, WAIT);
        Mqtt5BlockingClient publisher = clients.connectedV5("mpb-pub");
        // QoS 0 PUBLISH to "mpb/t" without properties: 1 + 1 (remaining length) + 2 + 5 + 1 (property length) + payload.
        publisher.publishWith().topic("mpb/t").qos(MqttQos.AT_MOST_ONCE).payload(new byte[91]).send();
        publisher.publishWith().topic("mpb/t").qos(MqttQos.AT_MOST_ONCE).payload(new byte[90]).send();

        RawMqttClient.Packet packet = raw.expect(PUBLISH, WAIT);
        assertThat(RawMqttClient.packet(packet.header(), packet.body())).hasSize(100);
        assertThat(raw.poll(QUIET)).isEmpty();
    }

    // ------------------------------------------------------------------ server redirection

    @Test
    @DisplayName("§4.11 server redirection: CONNACK 0x9C (use another server) with a server reference")
    void useAnotherServer() {
        fixture.restart(c -> c.withServerReference("standby.example:1883", false));
        assertThatThrownBy(() -> clients.v5("redirect").connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> {
                    assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
                    assertThat(e.getMqttMessage().getServerReference().map(Object::toString)).hasValue("standby.example:1883");
                });
        assertThat(fixture.broker().connections()).isEmpty();
    }

    @Test
    @DisplayName("§4.11 server redirection: CONNACK 0x9D (server moved) with a server reference")
    void serverMoved() {
        fixture.restart(c -> c.withServerReference("new-home.example:1883", true));
        assertThatThrownBy(() -> clients.v5("moved").connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> {
                    assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SERVER_MOVED);
                    assertThat(e.getMqttMessage().getServerReference().map(Object::toString)).hasValue("new-home.example:1883");
                });
    }

    @Test
    @DisplayName("§4.11 server redirection applies to MQTT 5 only: an MQTT 3.1.1 client still connects")
    void redirectionIsMqtt5Only() {
        fixture.restart(c -> c.withServerReference("standby.example:1883", false));
        assertThat(clients.v3("redirect3").connect().getReturnCode().isError()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.3.2-6] message expiry property is absent when the publisher set none")
    void noExpiryWhenNoneSet() throws Exception {
        RawMqttClient raw = clients.raw().connect(5, "nx-sub");
        raw.send(RawPackets.subscribe(5, 1, null, "nx/t", 1));
        raw.expect(RawPackets.SUBACK, WAIT);
        clients.connectedV5("nx-pub").publishWith().topic("nx/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("x")).send();
        RawPackets.Publish publish = RawPackets.publish(raw.expect(PUBLISH, WAIT), 5);
        assertThat(publish.property(MESSAGE_EXPIRY_INTERVAL)).isNull();
        assertThat(publish.properties()).isEmpty();
    }
}
