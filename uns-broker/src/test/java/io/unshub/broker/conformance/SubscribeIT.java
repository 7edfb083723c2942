package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAck;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static io.unshub.broker.conformance.Await.WAIT;
import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.nothingMore;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5.0 sections 3.8-3.11 (SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK) and 4.7 (topic names and filters). */
@ExtendWith(NoLeaks.class)
class SubscribeIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    /** Receives until the sentinel payload "END", returning topic names in arrival order. */
    private static List<String> topicsUntilEnd(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        List<String> topics = new ArrayList<>();
        while (true) {
            Mqtt5Publish publish = next(publishes);
            if (text(publish).equals("END")) {
                return topics;
            }
            topics.add(publish.getTopic().toString());
        }
    }

    // ------------------------------------------------------------------ wildcards (4.7)

    @Test
    @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] '+' matches exactly one level (also empty), '#' the parent and all children")
    void wildcards() throws Exception {
        Mqtt5BlockingClient subscriber = clients.connectedV5("wc-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith()
                .addSubscription().topicFilter("a/+/c").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("s/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("+").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send();
        Mqtt5BlockingClient publisher = clients.connectedV5("wc-pub");
        for (String topic : List.of("a/b/c", "a/b/d", "a/b/x/c", "a//c", "b/b/c", "s", "s/x", "s/x/y", "sx", "top",
                "top/x", "/top")) {
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8(topic)).send();
        }
        publisher.publishWith().topic("s/end").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("END")).send();

        assertThat(topicsUntilEnd(publishes)).containsExactly("a/b/c", "a//c", "s", "s/x", "s/x/y", "sx", "top");
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] topics starting with '$' are not matched by filters starting with a wildcard")
    void dollarTopicsNotMatchedByLeadingWildcards() throws Exception {
        Mqtt5BlockingClient wildcard = clients.connectedV5("dollar-wild");
        var wildPublishes = wildcard.publishes(MqttGlobalPublishFilter.ALL);
        wildcard.subscribeWith()
                .addSubscription().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("+/info").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send();
        Mqtt5BlockingClient explicit = clients.connectedV5("dollar-explicit");
        var explicitPublishes = explicit.publishes(MqttGlobalPublishFilter.ALL);
        explicit.subscribeWith().topicFilter("$app/#").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient publisher = clients.connectedV5("dollar-pub");
        publisher.publishWith().topic("$app/info").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("hidden")).send();
        fixture.broker().bus().publish(UnsMessage.of("$app/internal", utf8("hidden too"), 1, false,
                MessageProperties.NONE, Origin.internal("test")));
        publisher.publishWith().topic("plain/info").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("END")).send();

        // "plain/info" matches both "#" and "+/info": one delivery, and nothing from '$' topics before it.
        assertThat(topicsUntilEnd(wildPublishes)).isEmpty();
        nothingMore(wildPublishes);
        assertThat(next(explicitPublishes).getTopic().toString()).isEqualTo("$app/info");
        assertThat(next(explicitPublishes).getTopic().toString()).isEqualTo("$app/internal");
    }

    // ------------------------------------------------------------------ overlapping subscriptions

    @Test
    @DisplayName("[MQTT-3.3.5-1] MQTT 3.1.1 overlapping subscriptions: one delivery at the highest granted QoS")
    void overlappingSubscriptionsMqtt311() throws Exception {
        Mqtt3BlockingClient subscriber = clients.connectedV3("ov3-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("ov/#").qos(MqttQos.AT_MOST_ONCE).send();
        subscriber.subscribeWith().topicFilter("ov/t").qos(MqttQos.EXACTLY_ONCE).send();
        subscriber.subscribeWith().topicFilter("ov/+").qos(MqttQos.AT_LEAST_ONCE).send();

        clients.connectedV5("ov3-pub").publishWith().topic("ov/t").qos(MqttQos.EXACTLY_ONCE).payload(utf8("x")).send();

        var received = next(publishes);
        assertThat(received.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        nothingMore(publishes);
    }

    @Test
    @DisplayName("[MQTT-3.3.4-3] [MQTT-3.3.4-5] MQTT 5 overlapping subscriptions: one delivery carrying every subscription identifier (Paho v5)")
    void overlappingSubscriptionsMqtt5CarryAllIdentifiers() throws Exception {
        try (Paho5Receiver paho = new Paho5Receiver(fixture, "ov5-sub")) {
            assertThat(paho.subscribe("ovl/#", 1, 11)).containsExactly(1);
            assertThat(paho.subscribe("ovl/+", 2, 22)).containsExactly(2);

            clients.connectedV5("ov5-pub").publishWith().topic("ovl/t").qos(MqttQos.EXACTLY_ONCE)
                    .payload(utf8("both")).send();

            Paho5Receiver.Received received = next(paho.messages);
            assertThat(received.topic()).isEqualTo("ovl/t");
            assertThat(received.message().getQos()).as("the highest granted QoS").isEqualTo(2);
            assertThat(received.message().getProperties().getSubscriptionIdentifiers()).containsExactlyInAnyOrder(11, 22);
            nothingMore(paho.messages);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.4-3] a subscription identifier is returned with matching messages, none without one (Paho v5)")
    void subscriptionIdentifiers() throws Exception {
        try (Paho5Receiver paho = new Paho5Receiver(fixture, "sid-sub")) {
            paho.subscribe("sid/with", 1, 42);
            paho.subscribe("sid/without", 1, 0);
            Mqtt5BlockingClient publisher = clients.connectedV5("sid-pub");
            publisher.publishWith().topic("sid/with").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("1")).send();
            publisher.publishWith().topic("sid/without").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("2")).send();

            Paho5Receiver.Received with = next(paho.messages);
            assertThat(with.topic()).isEqualTo("sid/with");
            assertThat(with.message().getProperties().getSubscriptionIdentifiers()).containsExactly(42);
            Paho5Receiver.Received without = next(paho.messages);
            assertThat(without.topic()).isEqualTo("sid/without");
            assertThat(without.message().getProperties().getSubscriptionIdentifiers()).isEmpty();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.4-3] retained messages sent because of a SUBSCRIBE carry its subscription identifier (Paho v5)")
    void subscriptionIdentifierOnRetainedMessages() throws Exception {
        clients.connectedV5("sidr-pub").publishWith().topic("sidr/t").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(utf8("stored")).send();
        try (Paho5Receiver paho = new Paho5Receiver(fixture, "sidr-sub")) {
            paho.subscribe("sidr/#", 1, 7);
            Paho5Receiver.Received received = next(paho.messages);
            assertThat(received.message().isRetained()).isTrue();
            assertThat(received.message().getProperties().getSubscriptionIdentifiers()).containsExactly(7);
        }
    }

    @Test
    @DisplayName("[MQTT-3.8.4-3] a SUBSCRIBE to an existing filter replaces the subscription (new QoS, one delivery)")
    void resubscribeReplaces() throws Exception {
        Mqtt5BlockingClient subscriber = clients.connectedV5("rs-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("rs/t").qos(MqttQos.AT_MOST_ONCE).send();
        subscriber.subscribeWith().topicFilter("rs/t").qos(MqttQos.EXACTLY_ONCE).send();
        assertThat(fixture.broker().subscriptions().subscriptionCount()).isEqualTo(1);

        clients.connectedV5("rs-pub").publishWith().topic("rs/t").qos(MqttQos.EXACTLY_ONCE).payload(utf8("x")).send();
        assertThat(next(publishes).getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        nothingMore(publishes);
    }

    // ------------------------------------------------------------------ subscription options

    @Test
    @DisplayName("[MQTT-3.8.3-3] no local: a client's own publications are not sent back to it")
    void noLocal() throws Exception {
        Mqtt5BlockingClient a = clients.connectedV5("nl-a");
        var aPublishes = a.publishes(MqttGlobalPublishFilter.ALL);
        a.subscribeWith().topicFilter("nl/t").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send();
        Mqtt5BlockingClient b = clients.connectedV5("nl-b");
        var bPublishes = b.publishes(MqttGlobalPublishFilter.ALL);
        b.subscribeWith().topicFilter("nl/t").qos(MqttQos.AT_LEAST_ONCE).send();

        a.publishWith().topic("nl/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("from-a")).send();
        b.publishWith().topic("nl/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("from-b")).send();

        assertThat(text(next(aPublishes))).as("a does not get its own message").isEqualTo("from-b");
        nothingMore(aPublishes);
        assertThat(text(next(bPublishes))).as("without no local, b gets its own").isEqualTo("from-a");
        assertThat(text(next(bPublishes))).isEqualTo("from-b");
    }

    @Test
    @DisplayName("[MQTT-3.3.1-12] [MQTT-3.3.1-13] retain as published keeps the RETAIN flag on live messages, otherwise it is cleared")
    void retainAsPublished() throws Exception {
        Mqtt5BlockingClient keep = clients.connectedV5("rap-keep");
        var keepPublishes = keep.publishes(MqttGlobalPublishFilter.ALL);
        keep.subscribeWith().topicFilter("rap/t").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true).send();
        Mqtt5BlockingClient clear = clients.connectedV5("rap-clear");
        var clearPublishes = clear.publishes(MqttGlobalPublishFilter.ALL);
        clear.subscribeWith().topicFilter("rap/t").qos(MqttQos.AT_LEAST_ONCE).send();

        clients.connectedV5("rap-pub").publishWith().topic("rap/t").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(utf8("live")).send();

        assertThat(next(keepPublishes).isRetain()).isTrue();
        assertThat(next(clearPublishes).isRetain()).isFalse();
    }

    // ------------------------------------------------------------------ SUBACK / UNSUBACK

    @Test
    @DisplayName("[MQTT-3.8.4-1] [MQTT-3.9.3-1] SUBACK has one granted QoS per filter, in order (HiveMQ)")
    void subAckPerFilter() {
        Mqtt5SubAck subAck = clients.connectedV5("sa-sub").subscribeWith()
                .addSubscription().topicFilter("sa/0").qos(MqttQos.AT_MOST_ONCE).applySubscription()
                .addSubscription().topicFilter("sa/2").qos(MqttQos.EXACTLY_ONCE).applySubscription()
                .addSubscription().topicFilter("sa/1").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send();
        assertThat(subAck.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_0,
                Mqtt5SubAckReasonCode.GRANTED_QOS_2, Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    }

    @Test
    @DisplayName("[MQTT-3.9.3-1] an invalid filter gets 0x8F (MQTT 5) in its own SUBACK slot; the valid ones still work (raw)")
    void invalidFilterReasonCodeMqtt5() throws Exception {
        RawMqttClient raw = clients.raw().connect(5, "inv5");
        raw.send(RawPackets.subscribe(5, 3, null, "inv/ok1", 1, "inv/#/bad", 0, "inv/ok2", 2, "inv/a+", 1,
                "$share/g+/x", 0));
        RawMqttClient.Packet subAck = raw.expect(RawPackets.SUBACK, WAIT);
        assertThat(RawPackets.packetId(subAck)).isEqualTo(3);
        assertThat(RawPackets.ackCodes(subAck, 5)).containsExactly(1, 0x8F, 2, 0x8F, 0x8F);

        clients.connectedV5("inv5-pub").publishWith().topic("inv/ok2").qos(MqttQos.EXACTLY_ONCE).payload(utf8("y")).send();
        RawPackets.Publish publish = RawPackets.publish(raw.expect(RawPackets.PUBLISH, WAIT), 5);
        assertThat(publish.topic()).isEqualTo("inv/ok2");
        assertThat(publish.qos()).isEqualTo(2);
    }

    @Test
    @DisplayName("3.1.1 §3.9.3 an invalid filter gets return code 0x80 in its SUBACK slot (raw)")
    void invalidFilterReturnCodeMqtt311() throws Exception {
        RawMqttClient raw = clients.raw().connect(4, "inv4");
        raw.send(RawPackets.subscribe(4, 5, null, "inv4/ok", 1, "inv4/x#", 0));
        RawMqttClient.Packet subAck = raw.expect(RawPackets.SUBACK, WAIT);
        assertThat(RawPackets.packetId(subAck)).isEqualTo(5);
        assertThat(RawPackets.ackCodes(subAck, 4)).containsExactly(1, 0x80);
    }

    @Test
    @DisplayName("[MQTT-3.10.4-1] [MQTT-3.11.3-1] UNSUBACK: 0x00 for a removed subscription, 0x11 when none existed; no more deliveries")
    void unsubscribe() throws Exception {
        Mqtt5BlockingClient subscriber = clients.connectedV5("un-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("un/a").qos(MqttQos.AT_LEAST_ONCE).send();
        subscriber.subscribeWith().topicFilter("un/b").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5UnsubAck unsubAck = subscriber.unsubscribeWith().addTopicFilter("un/a").addTopicFilter("un/none").send();
        assertThat(unsubAck.getReasonCodes()).containsExactly(Mqtt5UnsubAckReasonCode.SUCCESS,
                Mqtt5UnsubAckReasonCode.NO_SUBSCRIPTIONS_EXISTED);

        Mqtt5BlockingClient publisher = clients.connectedV5("un-pub");
        publisher.publishWith().topic("un/a").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("gone")).send();
        publisher.publishWith().topic("un/b").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("kept")).send();
        assertThat(text(next(publishes))).isEqualTo("kept");
        nothingMore(publishes);
    }

    @Test
    @DisplayName("[MQTT-3.10.4-4] MQTT 3.1.1 UNSUBSCRIBE is acknowledged and stops deliveries (HiveMQ v3)")
    void unsubscribeMqtt311() throws Exception {
        Mqtt3BlockingClient subscriber = clients.connectedV3("un3-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("un3/#").qos(MqttQos.AT_LEAST_ONCE).send();
        subscriber.unsubscribeWith().topicFilter("un3/#").send();
        assertThat(fixture.broker().subscriptions().subscriptionCount()).isZero();

        clients.connectedV5("un3-pub").publishWith().topic("un3/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("x")).send();
        nothingMore(publishes);
    }
}
