package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.unshub.broker.BrokerExtensions;
import io.unshub.broker.handler.OutboundRewriter;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;

import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbound rewriter extension point: a covered topic's payload is rewritten per delivery at the time it is
 * written (also for a message that waited in an offline session's queue), its RETAIN flag can be kept on live
 * forwarding for MQTT 3.1.1 and MQTT 5 subscribers, and everything else goes out as published.
 */
@ExtendWith(NoLeaks.class)
class OutboundRewriterIT {

    /** Appends {@code @<delivery time>} to payloads under {@code rw/stamp/}; keeps RETAIN under {@code rw/keep/}. */
    private static final OutboundRewriter REWRITER = new OutboundRewriter() {
        @Override
        public boolean covers(String topic) {
            return topic.startsWith("rw/");
        }

        @Override
        public byte[] payload(String topic, byte[] payload, long nowMillis) {
            if (!topic.startsWith("rw/stamp/")) {
                return payload;
            }
            return (new String(payload, StandardCharsets.UTF_8) + "@" + nowMillis).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean keepsRetainFlag(String topic) {
            return topic.startsWith("rw/keep/");
        }
    };

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture().extensions(BrokerExtensions.NONE.withOutboundRewriter(REWRITER));
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private static long stampOf(String text) {
        return Long.parseLong(text.substring(text.indexOf('@') + 1));
    }

    @Test
    @DisplayName("A covered topic's payload is rewritten per delivery with the delivery time; other topics and the retained store keep the published bytes")
    void payloadRewrittenPerDelivery() throws Exception {
        Mqtt5BlockingClient a = clients.connectedV5("rw-a");
        Mqtt3BlockingClient b = clients.connectedV3("rw-b");
        try (Mqtt5BlockingClient.Mqtt5Publishes aIn = a.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt3BlockingClient.Mqtt3Publishes bIn = b.publishes(MqttGlobalPublishFilter.ALL)) {
            a.subscribeWith().topicFilter("rw/stamp/#").qos(MqttQos.AT_LEAST_ONCE).send();
            a.subscribeWith().topicFilter("plain/#").qos(MqttQos.AT_LEAST_ONCE).send();
            b.subscribeWith().topicFilter("rw/stamp/#").qos(MqttQos.AT_MOST_ONCE).send();

            long before = System.currentTimeMillis();
            clients.connectedV5("rw-pub").publishWith().topic("rw/stamp/x").payload(utf8("death")).retain(true)
                    .qos(MqttQos.AT_LEAST_ONCE).send();
            String toA = text(next(aIn));
            String toB = text(next(bIn));
            long after = System.currentTimeMillis();
            assertThat(toA).startsWith("death@");
            assertThat(toB).startsWith("death@");
            assertThat(stampOf(toA)).isBetween(before, after);
            assertThat(stampOf(toB)).isBetween(before, after);
            assertThat(new String(fixture.broker().retained().get("rw/stamp/x").payload(), StandardCharsets.UTF_8))
                    .as("the stored message is the published one").isEqualTo("death");

            clients.connectedV5("rw-pub2").publishWith().topic("plain/x").payload(utf8("as is")).qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(text(next(aIn))).isEqualTo("as is");
        }
    }

    @Test
    @DisplayName("A message queued for an offline session is rewritten when it is finally sent, not when it was published")
    void queuedDeliveryRewrittenWhenSent() throws Exception {
        Mqtt5BlockingClient offline = clients.v5("rw-offline");
        offline.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
        offline.subscribeWith().topicFilter("rw/stamp/q").qos(MqttQos.AT_LEAST_ONCE).send();
        offline.disconnect();

        clients.connectedV5("rw-pub").publishWith().topic("rw/stamp/q").payload(utf8("queued")).qos(MqttQos.AT_LEAST_ONCE).send();
        long published = System.currentTimeMillis();
        await().until(() -> System.currentTimeMillis() > published); // the delivery time must be distinguishable

        long reconnect = System.currentTimeMillis();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = offline.publishes(MqttGlobalPublishFilter.ALL)) {
            offline.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
            String got = text(next(in));
            assertThat(got).startsWith("queued@");
            assertThat(stampOf(got)).as("stamped at the send after the reconnect").isGreaterThanOrEqualTo(reconnect)
                    .isGreaterThan(published);
        }
    }

    @Test
    @DisplayName("A retained message on a kept topic arrives live with RETAIN = 1 at MQTT 3.1.1 and MQTT 5 subscribers, whatever retain-as-published says")
    void retainFlagKeptOnLiveForwarding() throws Exception {
        Mqtt3BlockingClient v3 = clients.connectedV3("keep-v3");
        Mqtt5BlockingClient v5 = clients.connectedV5("keep-v5");
        try (Mqtt3BlockingClient.Mqtt3Publishes v3In = v3.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes v5In = v5.publishes(MqttGlobalPublishFilter.ALL)) {
            v3.subscribeWith().topicFilter("rw/#").qos(MqttQos.AT_LEAST_ONCE).send();
            v5.subscribeWith().topicFilter("rw/#").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(false).send();
            Mqtt5BlockingClient publisher = clients.connectedV5("keep-pub");

            publisher.publishWith().topic("rw/keep/cert").payload(utf8("cert")).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt3Publish atV3 = next(v3In);
            Mqtt5Publish atV5 = next(v5In);
            assertThat(text(atV3)).isEqualTo("cert");
            assertThat(atV3.isRetain()).as("MQTT 3.1.1 live delivery").isTrue();
            assertThat(atV5.isRetain()).as("MQTT 5 live delivery without retain-as-published").isTrue();

            publisher.publishWith().topic("rw/keep/cert").payload(utf8("live only")).qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(next(v3In).isRetain()).as("a message published without RETAIN never gains it").isFalse();
            assertThat(next(v5In).isRetain()).isFalse();

            publisher.publishWith().topic("rw/other").payload(utf8("r")).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(next(v3In).isRetain()).as("covered but not kept: MQTT 3.1.1 forwarding clears RETAIN").isFalse();
            assertThat(next(v5In).isRetain()).isFalse();
        }
    }
}
