package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.unshub.broker.BrokerExtensions;
import io.unshub.broker.handler.SubscriptionHook;
import io.unshub.broker.handler.SubscriptionOutlet;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The subscription hook: an extension sees each allowed filter with the SUBSCRIBE's MQTT 5 user properties, can
 * refuse it, or serve that one subscription through an outlet (what {@code $replay/<filter>} uses).
 */
@ExtendWith(NoLeaks.class)
class SubscriptionHookIT {

    /** What the hook saw: filter and user properties. */
    private record Seen(Origin subscriber, String filter, List<UserProperty> userProperties) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final CompletableFuture<SubscriptionOutlet> outlet = new CompletableFuture<>();
    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture().extensions(BrokerExtensions.NONE.withSubscriptionHook(this::see));
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    /** Records what it sees; refuses {@code $refuse/...}, serves {@code $replay/...} with user properties. */
    private SubscriptionHook.Decision see(Origin subscriber, String filter, List<UserProperty> userProperties) {
        seen.add(new Seen(subscriber, filter, userProperties));
        if (filter.startsWith("$refuse/")) {
            return SubscriptionHook.Decision.refuse(0x87);
        }
        if (filter.startsWith("$replay/") && !userProperties.isEmpty()) {
            return SubscriptionHook.Decision.serve(outlet::complete);
        }
        return null;
    }

    private static UnsMessage message(String topic, String text, boolean retain) {
        return UnsMessage.of(topic, utf8(text), 1, retain, MessageProperties.NONE, Origin.internal("test"));
    }

    @Test
    void anOutletDeliversToThatOneSubscriptionAfterItsSuback() throws Exception {
        Mqtt5BlockingClient bystander = clients.connectedV5("bystander");
        Mqtt5BlockingClient replayer = clients.connectedV5("replayer");
        try (Mqtt5BlockingClient.Mqtt5Publishes others = bystander.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes mine = replayer.publishes(MqttGlobalPublishFilter.ALL)) {
            bystander.subscribeWith().topicFilter("$replay/#").qos(MqttQos.AT_LEAST_ONCE).send();
            replayer.subscribeWith().topicFilter("$replay/acme/#").qos(MqttQos.AT_LEAST_ONCE)
                    .userProperties().add("replay-from", "1").add("replay-speed", "0").applyUserProperties().send();

            SubscriptionOutlet served = outlet.get(5, TimeUnit.SECONDS);
            assertThat(served.clientId()).isEqualTo("replayer");
            assertThat(served.grantedQos()).isEqualTo(1);
            assertThat(served.open()).isTrue();
            assertThat(served.deliver(message("$replay/acme/press/_edge/speed", "one", true))).isTrue();
            assertThat(served.deliver(message("$replay/acme/press/_edge/speed", "two", false))).isTrue();

            List<Mqtt5Publish> received = next(mine, 2);
            assertThat(received).extracting(Await::text).containsExactly("one", "two");
            assertThat(received).allSatisfy(p -> {
                assertThat(p.getTopic().toString()).isEqualTo("$replay/acme/press/_edge/speed");
                assertThat(p.isRetain()).as("outlet deliveries are never retained").isFalse();
            });
            await().until(() -> served.backlog() == 0); // both acknowledged
            assertThat(others.receive(Await.QUIET.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the subscription tree is not involved: the $replay/# bystander gets nothing").isEmpty();
        }
        Seen replay = seen.stream().filter(s -> s.filter().equals("$replay/acme/#")).findFirst().orElseThrow();
        assertThat(replay.userProperties()).containsExactly(new UserProperty("replay-from", "1"),
                new UserProperty("replay-speed", "0"));
        assertThat(replay.subscriber().id()).isEqualTo("replayer");
        assertThat(fixture.broker().retained().get("$replay/acme/press/_edge/speed")).isNull();
    }

    @Test
    void theOutletClosesWhenTheClientUnsubscribesOrLeaves() throws Exception {
        Mqtt5BlockingClient replayer = clients.connectedV5("leaver");
        replayer.subscribeWith().topicFilter("$replay/acme/#").userProperties().add("replay-from", "1")
                .applyUserProperties().send();
        SubscriptionOutlet served = outlet.get(5, TimeUnit.SECONDS);
        replayer.unsubscribeWith().topicFilter("$replay/acme/#").send();
        await().until(() -> !served.open());
        assertThat(served.deliver(message("$replay/acme/x", "late", false))).isFalse();
    }

    @Test
    void aRefusalGoesIntoTheSubackAndNothingIsSubscribed() {
        Mqtt5BlockingClient client = clients.connectedV5("refused");
        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class, () -> client.subscribeWith()
                .addSubscription().topicFilter("$refuse/x").applySubscription()
                .addSubscription().topicFilter("plant/#").applySubscription().send());
        assertThat(refused.getMqttMessage().getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, Mqtt5SubAckReasonCode.GRANTED_QOS_2);
        assertThat(fixture.broker().subscriptions().snapshot()).extracting(s -> s.filter()).containsExactly("plant/#");
    }

    @Test
    void mqtt311SubscriptionsReachTheHookWithoutUserProperties() throws Exception {
        Mqtt3BlockingClient client = clients.connectedV3("v3");
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().topicFilter("$replay/acme/#").send();
            assertThat(seen).singleElement().satisfies(s -> assertThat(s.userProperties()).isEmpty());
            assertThat(outlet).isNotDone();
            // An ordinary subscription: a bus publish on the topic reaches it.
            fixture.broker().bus().publish(message("$replay/acme/x", "plain", false));
            Optional<com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish> got =
                    publishes.receive(Await.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(got).isPresent();
            assertThat(text(got.get())).isEqualTo("plain");
        }
    }
}
