package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRecReasonCode;
import io.unshub.broker.session.Session;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.unshub.broker.conformance.Await.QUIET;
import static io.unshub.broker.conformance.Await.WAIT;
import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.nothingMore;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static io.unshub.broker.testing.RawPackets.PUBACK;
import static io.unshub.broker.testing.RawPackets.PUBCOMP;
import static io.unshub.broker.testing.RawPackets.PUBLISH;
import static io.unshub.broker.testing.RawPackets.PUBREC;
import static io.unshub.broker.testing.RawPackets.PUBREL;
import static io.unshub.broker.testing.RawPackets.SUBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MQTT 5.0 sections 3.3 (PUBLISH), 3.4-3.7 (acknowledgements), 4.3 (QoS flows), 4.4 (redelivery), 4.6 (ordering). */
@ExtendWith(NoLeaks.class)
class PublishQosIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    // ------------------------------------------------------------------ QoS levels through real clients

    @Test
    @DisplayName("[MQTT-3.8.4-8] delivery QoS is min(publish QoS, granted QoS) for every combination")
    void deliveryAtMinimumOfPublishAndGrantedQos() throws Exception {
        List<Mqtt5BlockingClient.Mqtt5Publishes> byGranted = new ArrayList<>();
        for (MqttQos granted : MqttQos.values()) {
            Mqtt5BlockingClient subscriber = clients.connectedV5("min-sub-" + granted.getCode());
            byGranted.add(subscriber.publishes(MqttGlobalPublishFilter.ALL));
            subscriber.subscribeWith().topicFilter("min/t").qos(granted).send();
        }
        Mqtt5BlockingClient publisher = clients.connectedV5("min-pub");
        for (MqttQos qos : MqttQos.values()) {
            publisher.publishWith().topic("min/t").qos(qos).payload(utf8("q" + qos.getCode())).send();
        }
        for (int granted = 0; granted <= 2; granted++) {
            for (int published = 0; published <= 2; published++) {
                Mqtt5Publish received = next(byGranted.get(granted));
                assertThat(text(received)).isEqualTo("q" + published);
                assertThat(received.getQos().getCode()).as("granted %d, published %d", granted, published)
                        .isEqualTo(Math.min(granted, published));
            }
            nothingMore(byGranted.get(granted));
        }
    }

    @Test
    @DisplayName("[MQTT-4.3.1] [MQTT-4.3.2] [MQTT-4.3.3] Paho v3 publishes at QoS 0/1/2 to a HiveMQ MQTT 5 subscriber")
    void pahoV3ToHiveMqV5AtEachQos() throws Exception {
        Mqtt5BlockingClient subscriber = clients.connectedV5("p3-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("p3/#").qos(MqttQos.EXACTLY_ONCE).send();

        var paho = clients.paho3("p3-pub");
        paho.connect(new MqttConnectOptions());
        for (int qos = 0; qos <= 2; qos++) {
            paho.publish("p3/q" + qos, utf8("v" + qos), qos, false);
        }
        for (int qos = 0; qos <= 2; qos++) {
            Mqtt5Publish received = next(publishes);
            assertThat(received.getTopic().toString()).isEqualTo("p3/q" + qos);
            assertThat(text(received)).isEqualTo("v" + qos);
            assertThat(received.getQos().getCode()).isEqualTo(qos);
        }
        paho.disconnect();
    }

    @Test
    @DisplayName("[MQTT-4.3.1] [MQTT-4.3.2] [MQTT-4.3.3] Paho v5 publishes at QoS 0/1/2 to a HiveMQ MQTT 3.1.1 subscriber")
    void pahoV5ToHiveMqV3AtEachQos() throws Exception {
        Mqtt3BlockingClient subscriber = clients.connectedV3("p5-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("p5/+").qos(MqttQos.EXACTLY_ONCE).send();

        var paho = clients.paho5("p5-pub");
        paho.connect(new MqttConnectionOptions());
        for (int qos = 0; qos <= 2; qos++) {
            paho.publish("p5/q" + qos, utf8("v" + qos), qos, false);
        }
        for (int qos = 0; qos <= 2; qos++) {
            var received = next(publishes);
            assertThat(received.getTopic().toString()).isEqualTo("p5/q" + qos);
            assertThat(text(received)).isEqualTo("v" + qos);
            assertThat(received.getQos().getCode()).isEqualTo(qos);
        }
        paho.disconnect();
    }

    @Test
    @DisplayName("[MQTT-3.4.2.1] [MQTT-3.5.2.1] PUBACK/PUBREC carry 0x10 without matching subscribers and 0x00 with")
    void acknowledgementReasonCodes() {
        Mqtt5BlockingClient publisher = clients.connectedV5("ack-pub");
        Mqtt5PublishResult.Mqtt5Qos1Result lonely = (Mqtt5PublishResult.Mqtt5Qos1Result) publisher.publishWith()
                .topic("ack/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("a")).send();
        assertThat(lonely.getPubAck().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
        Mqtt5PublishResult.Mqtt5Qos2Result lonely2 = (Mqtt5PublishResult.Mqtt5Qos2Result) publisher.publishWith()
                .topic("ack/t").qos(MqttQos.EXACTLY_ONCE).payload(utf8("b")).send();
        assertThat(lonely2.getPubRec().getReasonCode()).isEqualTo(Mqtt5PubRecReasonCode.NO_MATCHING_SUBSCRIBERS);

        clients.connectedV5("ack-sub").subscribeWith().topicFilter("ack/t").qos(MqttQos.AT_MOST_ONCE).send();
        Mqtt5PublishResult.Mqtt5Qos1Result matched = (Mqtt5PublishResult.Mqtt5Qos1Result) publisher.publishWith()
                .topic("ack/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("c")).send();
        assertThat(matched.getPubAck().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        Mqtt5PublishResult.Mqtt5Qos2Result matched2 = (Mqtt5PublishResult.Mqtt5Qos2Result) publisher.publishWith()
                .topic("ack/t").qos(MqttQos.EXACTLY_ONCE).payload(utf8("d")).send();
        assertThat(matched2.getPubRec().getReasonCode()).isEqualTo(Mqtt5PubRecReasonCode.SUCCESS);
    }

    @Test
    @DisplayName("[MQTT-4.6.0-6] messages of one publisher on one topic arrive in publish order")
    void orderPreserved() throws Exception {
        Mqtt5BlockingClient subscriber = clients.connectedV5("order-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("order/t").qos(MqttQos.AT_LEAST_ONCE).send();
        var publisher = clients.connectedV5("order-pub").toAsync();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(publisher.publishWith().topic("order/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m" + i)).send());
        }
        CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).join();
        for (int i = 0; i < 200; i++) {
            assertThat(text(next(publishes))).isEqualTo("m" + i);
        }
    }

    // ------------------------------------------------------------------ packet identifiers (raw)

    @Test
    @DisplayName("[MQTT-2.2.1-2] [MQTT-2.2.1-4] QoS 0 PUBLISH has no packet id; QoS 1/2 ones have distinct non-zero ids")
    void packetIdentifiers() throws Exception {
        RawMqttClient raw = clients.raw().connect(5, "pid-sub");
        raw.send(RawPackets.subscribe(5, 1, null, "pid/#", 2));
        raw.expect(SUBACK, WAIT);
        Mqtt5BlockingClient publisher = clients.connectedV5("pid-pub");
        publisher.publishWith().topic("pid/0").qos(MqttQos.AT_MOST_ONCE).payload(utf8("zero")).send();
        for (int i = 0; i < 3; i++) {
            publisher.publishWith().topic("pid/1").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("one" + i)).send();
            publisher.publishWith().topic("pid/2").qos(MqttQos.EXACTLY_ONCE).payload(utf8("two" + i)).send();
        }

        RawPackets.Publish qos0 = RawPackets.publish(raw.expect(PUBLISH, WAIT), 5);
        assertThat(qos0.qos()).isZero();
        assertThat(qos0.payloadText()).as("QoS 0: the payload starts right after the properties").isEqualTo("zero");
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            RawPackets.Publish publish = RawPackets.publish(raw.expect(PUBLISH, WAIT), 5);
            assertThat(publish.qos()).isPositive();
            assertThat(publish.packetId()).isNotZero();
            ids.add(publish.packetId());
        }
        assertThat(ids).as("unacknowledged packet ids are all different").hasSize(6);
    }

    @Test
    @DisplayName("[MQTT-2.2.1-5] PUBACK/PUBREC/PUBCOMP carry the packet id of the PUBLISH it acknowledges")
    void pubAckEchoesPacketId() throws Exception {
        RawMqttClient raw = clients.raw().connect(4, "echo-pub");
        raw.send(RawPackets.publish(4, "echo/t", 1, false, false, 0x1234, null, utf8("x")));
        RawMqttClient.Packet ack = raw.expect(PUBACK, WAIT);
        assertThat(RawPackets.packetId(ack)).isEqualTo(0x1234);
        raw.send(RawPackets.publish(4, "echo/t", 2, false, false, 0xBEEF, null, utf8("y")));
        assertThat(RawPackets.packetId(raw.expect(PUBREC, WAIT))).isEqualTo(0xBEEF);
        raw.send(RawPackets.ack(PUBREL, 0xBEEF));
        assertThat(RawPackets.packetId(raw.expect(PUBCOMP, WAIT))).isEqualTo(0xBEEF);
    }

    @Test
    @DisplayName("[MQTT-4.3.3-11] a PUBREL for an unknown packet id gets PUBCOMP 0x92 (MQTT 5) / PUBCOMP (3.1.1)")
    void pubRelForUnknownPacketId() throws Exception {
        RawMqttClient v5 = clients.raw().connect(5, "unk-5");
        v5.send(RawPackets.ack(PUBREL, 77));
        RawMqttClient.Packet pubComp = v5.expect(PUBCOMP, WAIT);
        assertThat(RawPackets.packetId(pubComp)).isEqualTo(77);
        assertThat(RawPackets.ackReasonCode(pubComp)).isEqualTo(0x92);

        RawMqttClient v4 = clients.raw().connect(4, "unk-4");
        v4.send(RawPackets.ack(PUBREL, 78));
        RawMqttClient.Packet pubComp4 = v4.expect(PUBCOMP, WAIT);
        assertThat(RawPackets.packetId(pubComp4)).isEqualTo(78);
        assertThat(pubComp4.body()).hasSize(2);
    }

    // ------------------------------------------------------------------ QoS 2 inbound (raw publisher)

    @Test
    @DisplayName("[MQTT-4.3.3-8] [MQTT-4.3.3-10] [MQTT-4.3.3-11] [MQTT-4.3.3-12] inbound QoS 2: a resent PUBLISH before PUBREL is not delivered twice")
    void inboundQos2DuplicateSuppressed() throws Exception {
        Mqtt5BlockingClient subscriber = clients.connectedV5("q2in-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("q2in/t").qos(MqttQos.EXACTLY_ONCE).send();

        RawMqttClient raw = clients.raw().connect(5, "q2in-pub");
        raw.send(RawPackets.publish(5, "q2in/t", 2, false, false, 7, null, utf8("first")));
        assertThat(RawPackets.packetId(raw.expect(PUBREC, WAIT))).isEqualTo(7);
        raw.send(RawPackets.publish(5, "q2in/t", 2, false, true, 7, null, utf8("first")));
        assertThat(RawPackets.packetId(raw.expect(PUBREC, WAIT))).as("the resend is acknowledged again").isEqualTo(7);
        raw.send(RawPackets.ack(PUBREL, 7));
        RawMqttClient.Packet pubComp = raw.expect(PUBCOMP, WAIT);
        assertThat(RawPackets.packetId(pubComp)).isEqualTo(7);
        assertThat(RawPackets.ackReasonCode(pubComp)).isZero();

        assertThat(text(next(publishes))).isEqualTo("first");
        nothingMore(publishes);

        // After PUBCOMP the same packet id starts a new message.
        raw.send(RawPackets.publish(5, "q2in/t", 2, false, false, 7, null, utf8("second")));
        raw.expect(PUBREC, WAIT);
        assertThat(text(next(publishes))).isEqualTo("second");
    }

    @Test
    @DisplayName("[MQTT-4.3.3-10] [MQTT-4.4.0-1] inbound QoS 2 is exactly once across a reconnect of the publisher")
    void inboundQos2ExactlyOnceAcrossReconnect() throws Exception {
        Mqtt5BlockingClient subscriber = clients.connectedV5("eo-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("eo/t").qos(MqttQos.EXACTLY_ONCE).send();

        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "eo-pub", false, 60, null));
            raw.expect(RawPackets.CONNACK, WAIT);
            raw.send(RawPackets.publish(4, "eo/t", 2, false, false, 9, null, utf8("once")));
            assertThat(RawPackets.packetId(raw.expect(PUBREC, WAIT))).isEqualTo(9);
        } // connection lost before PUBREL
        await().atMost(WAIT).until(() -> fixture.broker().connection("eo-pub").isEmpty());

        RawMqttClient again = clients.raw();
        again.send(RawPackets.connect(4, "eo-pub", false, 60, null));
        assertThat(RawPackets.connAck(again.expect(RawPackets.CONNACK, WAIT), 4).sessionPresent()).isTrue();
        again.send(RawPackets.publish(4, "eo/t", 2, false, true, 9, null, utf8("once")));
        assertThat(RawPackets.packetId(again.expect(PUBREC, WAIT))).isEqualTo(9);
        again.send(RawPackets.ack(PUBREL, 9));
        assertThat(RawPackets.packetId(again.expect(PUBCOMP, WAIT))).isEqualTo(9);

        assertThat(text(next(publishes))).isEqualTo("once");
        nothingMore(publishes);
    }

    // ------------------------------------------------------------------ redelivery to a reconnecting subscriber (raw)

    @Test
    @DisplayName("[MQTT-4.4.0-1] [MQTT-3.3.1-1] an unacknowledged QoS 1 message is resent with DUP and the same id after reconnect")
    void qos1RedeliveredWithDup() throws Exception {
        int packetId;
        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "dup-sub", false, 60, null));
            raw.expect(RawPackets.CONNACK, WAIT);
            raw.send(RawPackets.subscribe(4, 1, null, "dup/t", 1));
            raw.expect(SUBACK, WAIT);
            clients.connectedV5("dup-pub").publishWith().topic("dup/t").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(utf8("again")).send();
            RawPackets.Publish first = RawPackets.publish(raw.expect(PUBLISH, WAIT), 4);
            assertThat(first.dup()).isFalse();
            packetId = first.packetId();
        } // no PUBACK
        await().atMost(WAIT).until(() -> fixture.broker().connection("dup-sub").isEmpty());

        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "dup-sub", false, 60, null));
            assertThat(RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 4).sessionPresent()).isTrue();
            RawPackets.Publish resent = RawPackets.publish(raw.expect(PUBLISH, WAIT), 4);
            assertThat(resent.dup()).as("DUP flag on the resend").isTrue();
            assertThat(resent.packetId()).isEqualTo(packetId);
            assertThat(resent.qos()).isEqualTo(1);
            assertThat(resent.payloadText()).isEqualTo("again");
            raw.send(RawPackets.ack(PUBACK, packetId));
            raw.send(RawPackets.pingreq());
            raw.expect(RawPackets.PINGRESP, WAIT); // the PUBACK was processed before the ping
            raw.send(RawPackets.disconnect());
        }
        await().atMost(WAIT).until(() -> fixture.broker().connection("dup-sub").isEmpty());

        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "dup-sub", false, 60, null));
            raw.expect(RawPackets.CONNACK, WAIT);
            assertThat(raw.poll(QUIET)).as("an acknowledged message is not resent").isEmpty();
        }
    }

    @Test
    @DisplayName("[MQTT-4.4.0-1] [MQTT-4.3.3-6] outbound QoS 2: PUBLISH resent with DUP if unrecognised, PUBREL resent after PUBREC; delivered once")
    void qos2OutboundExactlyOnceAcrossReconnects() throws Exception {
        int packetId;
        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "q2out-sub", false, 60, null));
            raw.expect(RawPackets.CONNACK, WAIT);
            raw.send(RawPackets.subscribe(4, 1, null, "q2out/t", 2));
            raw.expect(SUBACK, WAIT);
            clients.connectedV5("q2out-pub").publishWith().topic("q2out/t").qos(MqttQos.EXACTLY_ONCE)
                    .payload(utf8("exactly")).send();
            packetId = RawPackets.publish(raw.expect(PUBLISH, WAIT), 4).packetId();
        } // neither PUBREC nor anything else
        await().atMost(WAIT).until(() -> fixture.broker().connection("q2out-sub").isEmpty());

        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "q2out-sub", false, 60, null));
            raw.expect(RawPackets.CONNACK, WAIT);
            RawPackets.Publish resent = RawPackets.publish(raw.expect(PUBLISH, WAIT), 4);
            assertThat(resent.dup()).isTrue();
            assertThat(resent.packetId()).isEqualTo(packetId);
            raw.send(RawPackets.ack(PUBREC, packetId));
            assertThat(RawPackets.packetId(raw.expect(PUBREL, WAIT))).isEqualTo(packetId);
        } // PUBCOMP never sent
        await().atMost(WAIT).until(() -> fixture.broker().connection("q2out-sub").isEmpty());

        try (RawMqttClient raw = clients.raw()) {
            raw.send(RawPackets.connect(4, "q2out-sub", false, 60, null));
            raw.expect(RawPackets.CONNACK, WAIT);
            RawMqttClient.Packet pubRel = raw.expect(WAIT);
            assertThat(pubRel.type()).as("after PUBREC the broker resends PUBREL, not the PUBLISH").isEqualTo(PUBREL);
            assertThat(RawPackets.packetId(pubRel)).isEqualTo(packetId);
            raw.send(RawPackets.ack(PUBCOMP, packetId));
            assertThat(raw.poll(QUIET)).as("nothing else: the message was delivered once").isEmpty();
        }
        Session session = fixture.broker().sessions().get("q2out-sub");
        await().atMost(WAIT).until(() -> session.inflightCount() == 0 && session.queuedCount() == 0);
    }

    // ------------------------------------------------------------------ receive maximum, both directions

    @Test
    @DisplayName("[MQTT-3.3.4-9] the broker keeps at most the client's receive maximum unacknowledged (HiveMQ, manual acks)")
    void outboundWindowHonoursClientReceiveMaximum() throws Exception {
        Mqtt5BlockingClient subscriber = clients.v5("rm-sub");
        subscriber.connectWith().restrictions().receiveMaximum(2).applyRestrictions().send();
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL, true);
        subscriber.subscribeWith().topicFilter("rm/t").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient publisher = clients.connectedV5("rm-pub");
        for (int i = 0; i < 5; i++) {
            publisher.publishWith().topic("rm/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m" + i)).send();
        }

        Mqtt5Publish m0 = next(publishes);
        Mqtt5Publish m1 = next(publishes);
        assertThat(List.of(text(m0), text(m1))).containsExactly("m0", "m1");
        nothingMore(publishes);
        Session session = fixture.broker().sessions().get("rm-sub");
        assertThat(session.inflightCount()).isEqualTo(2);
        assertThat(session.queuedCount()).isEqualTo(3);

        m0.acknowledge();
        assertThat(text(next(publishes))).isEqualTo("m2");
        nothingMore(publishes);
        m1.acknowledge();
        Mqtt5Publish m3 = next(publishes);
        assertThat(text(m3)).isEqualTo("m3");
    }

    @Test
    @DisplayName("[MQTT-3.3.4-9] a QoS 2 message counts against receive maximum until PUBCOMP (raw, receive maximum 1)")
    void qos2WindowReleasedOnlyByPubComp() throws Exception {
        RawMqttClient raw = clients.raw();
        raw.send(RawPackets.connect(5, "rm2-sub", true, 60,
                RawPackets.properties(RawPackets.shortProperty(RawPackets.RECEIVE_MAXIMUM, 1))));
        raw.expect(RawPackets.CONNACK, WAIT);
        raw.send(RawPackets.subscribe(5, 1, null, "rm2/t", 2));
        raw.expect(SUBACK, WAIT);
        Mqtt5BlockingClient publisher = clients.connectedV5("rm2-pub");
        publisher.publishWith().topic("rm2/t").qos(MqttQos.EXACTLY_ONCE).payload(utf8("a")).send();
        publisher.publishWith().topic("rm2/t").qos(MqttQos.EXACTLY_ONCE).payload(utf8("b")).send();

        RawPackets.Publish a = RawPackets.publish(raw.expect(PUBLISH, WAIT), 5);
        assertThat(a.payloadText()).isEqualTo("a");
        assertThat(raw.poll(QUIET)).as("window of 1 is full").isEmpty();
        raw.send(RawPackets.ack(PUBREC, a.packetId()));
        assertThat(RawPackets.packetId(raw.expect(PUBREL, WAIT))).isEqualTo(a.packetId());
        assertThat(raw.poll(QUIET)).as("still in flight until PUBCOMP").isEmpty();
        raw.send(RawPackets.ack(PUBCOMP, a.packetId()));
        RawPackets.Publish b = RawPackets.publish(raw.expect(PUBLISH, WAIT), 5);
        assertThat(b.payloadText()).isEqualTo("b");
    }

    @Test
    @DisplayName("[MQTT-3.3.4-7] more unacknowledged inbound QoS 2 PUBLISHes than the broker's receive maximum -> DISCONNECT 0x93")
    void inboundWindowEnforced() throws Exception {
        fixture.restart(c -> c.withLimits(c.maxPacketSize(), 2, c.topicAliasMaximum(), c.maxQueuedMessages(),
                c.maxKeepAliveSeconds()));
        RawMqttClient raw = clients.raw();
        raw.send(RawPackets.connect(5, "rm-in", true, 60, null));
        RawPackets.ConnAck connAck = RawPackets.connAck(raw.expect(RawPackets.CONNACK, WAIT), 5);
        assertThat(connAck.property(RawPackets.RECEIVE_MAXIMUM)).isEqualTo(2);
        for (int id = 1; id <= 2; id++) {
            raw.send(RawPackets.publish(5, "rm/in", 2, false, false, id, null, utf8("x")));
            raw.expect(PUBREC, WAIT);
        }
        raw.send(RawPackets.publish(5, "rm/in", 2, false, false, 3, null, utf8("x")));
        RawMqttClient.Packet disconnect = raw.expect(RawPackets.DISCONNECT, WAIT);
        assertThat(disconnect.reasonCode()).isEqualTo(0x93);
        assertThat(raw.isClosedByBroker(WAIT)).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.3.4-7] a real client honours the broker's receive maximum: 50 concurrent QoS 2 publishes all complete")
    void hiveMqHonoursBrokerReceiveMaximum() throws Exception {
        fixture.restart(c -> c.withLimits(c.maxPacketSize(), 2, c.topicAliasMaximum(), c.maxQueuedMessages(),
                c.maxKeepAliveSeconds()));
        Mqtt5BlockingClient subscriber = clients.connectedV5("rmh-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("rmh/t").qos(MqttQos.EXACTLY_ONCE).send();
        var publisher = clients.connectedV5("rmh-pub").toAsync();
        List<CompletableFuture<Mqtt5PublishResult>> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add(publisher.publishWith().topic("rmh/t").qos(MqttQos.EXACTLY_ONCE).payload(utf8("m" + i)).send());
        }
        for (CompletableFuture<Mqtt5PublishResult> result : sent) {
            assertThat(result.join().getError()).isEmpty();
        }
        for (int i = 0; i < 50; i++) {
            assertThat(text(next(publishes))).isEqualTo("m" + i);
        }
        assertThat(publisher.getState().isConnected()).isTrue();
    }
}
