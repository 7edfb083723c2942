package io.unshub.broker.limits;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * maxSubscriptionsPerClient, maxTopicLevels and maxTopicLength (issue 3, "Limits"), for MQTT 5 and 3.1.1. A
 * subscription beyond the limit gets SUBACK 0x97 (5.0) or 0x80 (3.1.1); a topic beyond the topic limits is
 * refused like an invalid one: 0x90 for a PUBLISH, 0x8F (5.0) or 0x80 (3.1.1) for a filter.
 */
@ExtendWith(NoLeaks.class)
class TopicAndSubscriptionLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private static ClientLimits limits(int subscriptions, int levels, int length) {
        return new ClientLimits(0, 0, 0, 0, 0, false, subscriptions, levels, length);
    }

    private long hits(LimitHit limit) {
        return fixture.broker().metrics().limitHits(limit);
    }

    private static Mqtt5SubAckReasonCode subscribe(Mqtt5BlockingClient client, String filter) {
        try {
            return client.subscribeWith().topicFilter(filter).send().getReasonCodes().getFirst();
        } catch (Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes().getFirst();
        }
    }

    @Test
    @DisplayName("MQTT 5: a fourth subscription beyond 3 gets SUBACK 0x97; re-subscribing does not count; unsubscribing frees a place")
    void mqtt5SubscriptionLimit() {
        fixture.restart(c -> c.withClientLimits(limits(3, 0, 0)));
        Mqtt5BlockingClient client = clients.connectedV5("subs5");
        assertThat(subscribe(client, "a/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
        assertThat(subscribe(client, "b/+")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
        assertThat(subscribe(client, "$share/g/c")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
        assertThat(subscribe(client, "d")).isEqualTo(Mqtt5SubAckReasonCode.QUOTA_EXCEEDED);
        assertThat(hits(LimitHit.SUBSCRIPTIONS)).isEqualTo(1);

        Mqtt5SubAckException mixed = catchThrowableOfType(Mqtt5SubAckException.class, () -> client.subscribeWith()
                .addSubscription().topicFilter("a/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("e").applySubscription()
                .send());
        assertThat(mixed.getMqttMessage().getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1, Mqtt5SubAckReasonCode.QUOTA_EXCEEDED);
        assertThat(fixture.broker().sessions().all()).filteredOn(s -> s.clientId().equals("subs5")).singleElement()
                .satisfies(s -> assertThat(s.subscriptions()).hasSize(3));

        client.unsubscribeWith().topicFilter("b/+").send();
        Mqtt5SubAck granted = client.subscribeWith().topicFilter("e").send();
        assertThat(granted.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
        assertThat(hits(LimitHit.SUBSCRIPTIONS)).isEqualTo(2);
        assertThat(client.getState().isConnected()).isTrue();
    }

    @Test
    @DisplayName("MQTT 3.1.1: a subscription beyond the limit gets SUBACK 0x80, the others in the same SUBSCRIBE are granted")
    void mqtt311SubscriptionLimit() {
        fixture.restart(c -> c.withClientLimits(limits(2, 0, 0)));
        Mqtt3BlockingClient client = clients.connectedV3("subs3");
        client.subscribeWith().topicFilter("x/1").send();
        Mqtt3SubAckException refused = catchThrowableOfType(Mqtt3SubAckException.class, () -> client.subscribeWith()
                .addSubscription().topicFilter("x/1").applySubscription()
                .addSubscription().topicFilter("x/2").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("x/3").applySubscription()
                .send());
        assertThat(refused.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_2,
                Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1, Mqtt3SubAckReturnCode.FAILURE);
        assertThat(hits(LimitHit.SUBSCRIPTIONS)).isEqualTo(1);
        assertThat(fixture.broker().connection("subs3")).isPresent();
    }

    @Test
    @DisplayName("MQTT 5 topic levels (max 4): PUBLISH 0x90, SUBSCRIBE 0x8F, a shared filter counts its filter part, QoS 0 is disconnected like an invalid topic")
    void mqtt5TopicLevels() throws Exception {
        fixture.restart(c -> c.withClientLimits(limits(0, 4, 0)));
        Mqtt5BlockingClient subscriber = clients.connectedV5("levels-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(subscribe(subscriber, "a/+/c/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
            assertThat(subscribe(subscriber, "a/+/c/d/#")).isEqualTo(Mqtt5SubAckReasonCode.TOPIC_FILTER_INVALID);
            assertThat(subscribe(subscriber, "$share/group/x/y/z/w")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
            assertThat(hits(LimitHit.TOPIC_LEVELS)).isEqualTo(1);

            CompletableFuture<Throwable> cause = new CompletableFuture<>();
            Mqtt5BlockingClient publisher = clients.v5("levels-pub", b -> b.addDisconnectedListener(ctx -> {
                if (ctx.getSource() == MqttDisconnectSource.SERVER) {
                    cause.complete(ctx.getCause());
                }
            }));
            publisher.connect();
            publisher.publishWith().topic("a/b/c/d").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5PubAckException refused = catchThrowableOfType(Mqtt5PubAckException.class,
                    () -> publisher.publishWith().topic("a/b/c/d/e").qos(MqttQos.AT_LEAST_ONCE).send());
            assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
            Optional<Mqtt5Publish> delivered = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(delivered).map(p -> p.getTopic().toString()).contains("a/b/c/d");
            assertThat(hits(LimitHit.TOPIC_LEVELS)).isEqualTo(2);

            publisher.publishWith().topic("a/b/c/d/e").send();
            assertThat(cause.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOfSatisfying(Mqtt5DisconnectException.class,
                    e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.TOPIC_NAME_INVALID));
            assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).as("nothing of the refused topics").isEmpty();
        }
    }

    @Test
    @DisplayName("MQTT 5 topic length (max 16 UTF-8 bytes, not characters): PUBLISH 0x90, SUBSCRIBE 0x8F, will topic CONNACK 0x90")
    void mqtt5TopicLength() {
        fixture.restart(c -> c.withClientLimits(limits(0, 0, 16)));
        Mqtt5BlockingClient client = clients.connectedV5("length5");
        client.publishWith().topic("abcdefghijklmnop").qos(MqttQos.AT_LEAST_ONCE).send(); // 16 bytes
        String nineUmlauts = "ääääääääa"; // 9 characters, 17 bytes
        assertThat(nineUmlauts.getBytes(StandardCharsets.UTF_8)).hasSize(17);
        for (String tooLong : new String[] {"abcdefghijklmnopq", nineUmlauts}) {
            Mqtt5PubAckException refused = catchThrowableOfType(Mqtt5PubAckException.class,
                    () -> client.publishWith().topic(tooLong).qos(MqttQos.AT_LEAST_ONCE).send());
            assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        }
        assertThat(subscribe(client, "abcdefghijklmno/#")).isEqualTo(Mqtt5SubAckReasonCode.TOPIC_FILTER_INVALID);
        assertThat(subscribe(client, "abcdefghijklmn/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
        assertThat(hits(LimitHit.TOPIC_LENGTH)).isEqualTo(3);

        Mqtt5ConnAckException willRefused = catchThrowableOfType(Mqtt5ConnAckException.class,
                () -> clients.v5("will-too-long").connectWith().willPublish().topic("abcdefghijklmnopq")
                        .payload(new byte[] {1}).applyWillPublish().send());
        assertThat(willRefused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(client.getState().isConnected()).isTrue();
    }

    @Test
    @DisplayName("MQTT 3.1.1: a PUBLISH beyond the topic limits is acknowledged and dropped, a filter beyond them gets SUBACK 0x80")
    void mqtt311TopicLimits() throws Exception {
        fixture.restart(c -> c.withClientLimits(limits(0, 3, 12)));
        Mqtt3BlockingClient client = clients.connectedV3("topics3");
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt3SubAckException refused = catchThrowableOfType(Mqtt3SubAckException.class,
                    () -> client.subscribeWith().topicFilter("a/b/c/+").send());
            assertThat(refused.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE);

            client.publishWith().topic("a/b/c/d").qos(MqttQos.AT_LEAST_ONCE).send(); // acknowledged, dropped (levels)
            client.publishWith().topic("abcdefghijklm").qos(MqttQos.EXACTLY_ONCE).send(); // acknowledged, dropped (length)
            client.publishWith().topic("a/b/c").qos(MqttQos.AT_LEAST_ONCE).send();
            var first = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(first).map(p -> p.getTopic().toString()).contains("a/b/c");
            assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
            assertThat(hits(LimitHit.TOPIC_LEVELS)).isEqualTo(2);
            assertThat(hits(LimitHit.TOPIC_LENGTH)).isEqualTo(1);
            assertThat(client.getState().isConnected()).isTrue();
        }
    }
}
