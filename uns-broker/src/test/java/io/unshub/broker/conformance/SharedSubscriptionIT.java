package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.unshub.broker.conformance.Await.WAIT;
import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.nothingMore;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MQTT 5.0 section 4.8.2 (shared subscriptions, {@code $share/<group>/<filter>}). */
@ExtendWith(NoLeaks.class)
class SharedSubscriptionIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private Mqtt5BlockingClient.Mqtt5Publishes member(String id, String sharedFilter) {
        Mqtt5BlockingClient member = clients.connectedV5(id);
        var publishes = member.publishes(MqttGlobalPublishFilter.ALL);
        member.subscribeWith().topicFilter(sharedFilter).qos(MqttQos.AT_LEAST_ONCE).send();
        return publishes;
    }

    private void publish(String topic, int count) {
        Mqtt5BlockingClient publisher = clients.connectedV5("share-pub-" + System.nanoTime());
        for (int i = 0; i < count; i++) {
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m" + i)).send();
        }
    }

    @Test
    @DisplayName("§4.8.2 each message goes to one member, round robin among the connected members")
    void roundRobinAmongMembers() throws Exception {
        List<Mqtt5BlockingClient.Mqtt5Publishes> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(member("rr-" + i, "$share/g/rr/t"));
        }
        publish("rr/t", 9);

        Set<String> all = new HashSet<>();
        for (var member : members) {
            for (Mqtt5Publish publish : Await.next(member, 3)) {
                assertThat(publish.getTopic().toString()).isEqualTo("rr/t");
                all.add(text(publish));
            }
            nothingMore(member);
        }
        assertThat(all).as("every message delivered exactly once across the group").hasSize(9);
    }

    @Test
    @DisplayName("§4.8.2 every share group and every non-shared subscription gets its own copy")
    void groupsAreIndependent() throws Exception {
        var g1a = member("ind-g1a", "$share/g1/ind/#");
        var g1b = member("ind-g1b", "$share/g1/ind/#");
        var g2 = member("ind-g2", "$share/g2/ind/+");
        var plain = member("ind-plain", "ind/t");
        publish("ind/t", 4);

        assertThat(Await.next(g2, 4)).extracting(Await::text).containsExactly("m0", "m1", "m2", "m3");
        assertThat(Await.next(plain, 4)).extracting(Await::text).containsExactly("m0", "m1", "m2", "m3");
        List<String> g1 = new ArrayList<>();
        g1.addAll(Await.next(g1a, 2).stream().map(Await::text).toList());
        g1.addAll(Await.next(g1b, 2).stream().map(Await::text).toList());
        assertThat(g1).containsExactlyInAnyOrder("m0", "m1", "m2", "m3");
        nothingMore(g1a);
        nothingMore(g1b);
    }

    @Test
    @DisplayName("§4.8.2 members whose sessions are offline are skipped while a connected member exists")
    void offlineMembersSkipped() throws Exception {
        Mqtt5BlockingClient away = clients.v5("off-away");
        away.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        away.subscribeWith().topicFilter("$share/off/off/t").qos(MqttQos.AT_LEAST_ONCE).send();
        away.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection("off-away").isEmpty());
        var online = member("off-online", "$share/off/off/t");

        publish("off/t", 4);
        assertThat(Await.next(online, 4)).extracting(Await::text).containsExactly("m0", "m1", "m2", "m3");
        assertThat(fixture.broker().sessions().get("off-away").queuedCount()).isZero();
    }

    @Test
    @DisplayName("§4.8.2 with every member offline, messages wait in a member's session")
    void allMembersOfflineQueues() throws Exception {
        Mqtt5BlockingClient away = clients.v5("alloff");
        away.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        away.subscribeWith().topicFilter("$share/alloff/alloff/t").qos(MqttQos.AT_LEAST_ONCE).send();
        away.disconnect();
        await().atMost(WAIT).until(() -> fixture.broker().connection("alloff").isEmpty());
        publish("alloff/t", 2);

        Mqtt5BlockingClient back = clients.v5("alloff");
        var publishes = back.publishes(MqttGlobalPublishFilter.ALL);
        back.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        assertThat(Await.next(publishes, 2)).extracting(Await::text).containsExactly("m0", "m1");
    }

    @Test
    @DisplayName("§4.8.2 MQTT 3.1.1 and MQTT 5 clients can share one group")
    void mixedProtocolMembers() throws Exception {
        var v5 = member("mix-5", "$share/mix/mix/t");
        Mqtt3BlockingClient v3 = clients.connectedV3("mix-3");
        var v3Publishes = v3.publishes(MqttGlobalPublishFilter.ALL);
        v3.subscribeWith().topicFilter("$share/mix/mix/t").qos(MqttQos.AT_LEAST_ONCE).send();
        publish("mix/t", 4);

        Set<String> all = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            all.add(text(next(v5)));
            all.add(text(next(v3Publishes)));
        }
        assertThat(all).containsExactlyInAnyOrder("m0", "m1", "m2", "m3");
    }

    @Test
    @DisplayName("§4.8.2 unacknowledged QoS 1 messages of a member that disconnects are redelivered to another member")
    void unackedMessagesMoveToAnotherMember() throws Exception {
        Mqtt5BlockingClient slow = clients.v5("rd-slow");
        slow.connectWith().restrictions().receiveMaximum(1).applyRestrictions().send();
        var slowPublishes = slow.publishes(MqttGlobalPublishFilter.ALL, true);
        slow.subscribeWith().topicFilter("$share/rd/rd/t").qos(MqttQos.AT_LEAST_ONCE).send();
        publish("rd/t", 2);
        Mqtt5Publish held = next(slowPublishes); // m0 in flight, never acknowledged; m1 waits behind it
        assertThat(text(held)).isEqualTo("m0");
        await().atMost(WAIT).until(() -> fixture.broker().sessions().get("rd-slow").queuedCount() == 1);

        var other = member("rd-other", "$share/rd/rd/t");
        slow.disconnect();

        assertThat(Await.next(other, 2)).extracting(Await::text).containsExactlyInAnyOrder("m0", "m1");
        nothingMore(other);
    }

    @Test
    @DisplayName("[MQTT-4.8.2-4] [MQTT-4.8.2-5] a QoS 2 message already sent to a member stays with it: not given to another member, completed on its reconnect (raw)")
    void qos2InFlightStaysWithItsMember() throws Exception {
        byte[] persistent = RawPackets.properties(RawPackets.intProperty(RawPackets.SESSION_EXPIRY_INTERVAL, 60));
        int packetId;
        try (RawMqttClient first = clients.raw()) {
            first.send(RawPackets.connect(5, "q2s-first", false, 60, persistent));
            first.expect(RawPackets.CONNACK, WAIT);
            first.send(RawPackets.subscribe(5, 1, null, "$share/q2s/q2s/t", 2));
            first.expect(RawPackets.SUBACK, WAIT);
            clients.connectedV5("q2s-pub").publishWith().topic("q2s/t").qos(MqttQos.EXACTLY_ONCE)
                    .payload(utf8("exactly-once")).send();
            RawPackets.Publish publish = RawPackets.publish(first.expect(RawPackets.PUBLISH, WAIT), 5);
            assertThat(publish.qos()).isEqualTo(2);
            packetId = publish.packetId();

            Mqtt5BlockingClient second = clients.connectedV5("q2s-second");
            var secondPublishes = second.publishes(MqttGlobalPublishFilter.ALL);
            second.subscribeWith().topicFilter("$share/q2s/q2s/t").qos(MqttQos.EXACTLY_ONCE).send();
            first.close(); // connection lost before PUBREC
            await().atMost(WAIT).until(() -> fixture.broker().connection("q2s-first").isEmpty());
            nothingMore(secondPublishes);
        }

        RawMqttClient again = clients.raw();
        again.send(RawPackets.connect(5, "q2s-first", false, 60, persistent));
        assertThat(RawPackets.connAck(again.expect(RawPackets.CONNACK, WAIT), 5).sessionPresent()).isTrue();
        RawPackets.Publish resent = RawPackets.publish(again.expect(RawPackets.PUBLISH, WAIT), 5);
        assertThat(resent.payloadText()).isEqualTo("exactly-once");
        assertThat(resent.dup()).isTrue();
        assertThat(resent.packetId()).isEqualTo(packetId);
    }

    @Test
    @DisplayName("§3.3.1.3 §4.8.2 a shared subscription gets no retained messages when it is made")
    void noRetainedMessagesForSharedSubscriptions() throws Exception {
        clients.connectedV5("sr-pub").publishWith().topic("sr/t").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(utf8("retained")).send();
        var shared = member("sr-member", "$share/sr/sr/t");
        nothingMore(shared);
        var plain = member("sr-plain", "sr/t");
        assertThat(text(next(plain))).isEqualTo("retained");
    }

    @Test
    @DisplayName("[MQTT-3.10.4-1] a member that unsubscribes gets no more messages; the others get them all")
    void unsubscribedMemberLeavesGroup() throws Exception {
        Mqtt5BlockingClient leaving = clients.connectedV5("us-leaving");
        var leavingPublishes = leaving.publishes(MqttGlobalPublishFilter.ALL);
        leaving.subscribeWith().topicFilter("$share/us/us/t").qos(MqttQos.AT_LEAST_ONCE).send();
        var staying = member("us-staying", "$share/us/us/t");
        assertThat(leaving.unsubscribeWith().topicFilter("$share/us/us/t").send().getReasonCodes())
                .containsExactly(Mqtt5UnsubAckReasonCode.SUCCESS);

        publish("us/t", 4);
        assertThat(Await.next(staying, 4)).extracting(Await::text).containsExactly("m0", "m1", "m2", "m3");
        nothingMore(leavingPublishes);
    }

    @Test
    @DisplayName("[MQTT-4.8.2-3] a member receives at min(published QoS, its granted QoS)")
    void memberQos() throws Exception {
        Mqtt5BlockingClient member = clients.connectedV5("sq-member");
        var publishes = member.publishes(MqttGlobalPublishFilter.ALL);
        member.subscribeWith().topicFilter("$share/sq/sq/t").qos(MqttQos.AT_MOST_ONCE).send();
        clients.connectedV5("sq-pub").publishWith().topic("sq/t").qos(MqttQos.EXACTLY_ONCE).payload(utf8("x")).send();
        assertThat(next(publishes).getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);
    }

    @Test
    @DisplayName("[MQTT-3.8.3-4] no local on a shared subscription is a protocol error -> DISCONNECT 0x82 (raw)")
    void noLocalOnSharedSubscriptionIsProtocolError() throws Exception {
        RawMqttClient raw = clients.raw().connect(5, "snl");
        raw.send(RawPackets.subscribe(5, 1, null, "$share/snl/t", 0x04 | 1));
        RawMqttClient.Packet disconnect = raw.expect(RawPackets.DISCONNECT, WAIT);
        assertThat(disconnect.reasonCode()).isEqualTo(0x82);
        assertThat(raw.isClosedByBroker(WAIT)).isTrue();
    }

    @Test
    @DisplayName("[MQTT-4.8.2-1] [MQTT-4.8.2-2] malformed shared filters are refused with 0x8F, a valid one is granted (raw)")
    void invalidSharedFilters() throws Exception {
        RawMqttClient raw = clients.raw().connect(5, "sinv");
        raw.send(RawPackets.subscribe(5, 2, null, "$share/g", 1, "$share//x", 1, "$share/g#/x", 1, "$share/ok/x", 1));
        RawMqttClient.Packet subAck = raw.expect(RawPackets.SUBACK, WAIT);
        assertThat(RawPackets.ackCodes(subAck, 5)).containsExactly(0x8F, 0x8F, 0x8F, 1);
    }
}
