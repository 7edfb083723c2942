package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static io.unshub.broker.conformance.Await.WAIT;
import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.nothingMore;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MQTT 5.0 section 3.3.1.3 (RETAIN) and the retain handling subscription option (3.8.3.1). */
@ExtendWith(NoLeaks.class)
class RetainedIT {

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private Mqtt5BlockingClient publisher() {
        return clients.connectedV5("ret-pub-" + System.nanoTime());
    }

    private void publishRetained(String topic, String payload, MqttQos qos) {
        publisher().publishWith().topic(topic).qos(qos).retain(true).payload(utf8(payload)).send();
    }

    /** Subscribes a fresh client to {@code filter} and returns its message stream. */
    private Mqtt5BlockingClient.Mqtt5Publishes subscribeFresh(String id, String filter, MqttQos qos,
                                                              Mqtt5RetainHandling handling) {
        Mqtt5BlockingClient subscriber = clients.connectedV5(id);
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter(filter).qos(qos).retainHandling(handling).send();
        return publishes;
    }

    @Test
    @DisplayName("[MQTT-3.3.1-5] [MQTT-3.3.1-9] a retained message is stored and sent, with RETAIN 1, to a new subscription")
    void retainedMessageSentToNewSubscriber() throws Exception {
        publishRetained("rt/set", "v1", MqttQos.AT_LEAST_ONCE);
        var publishes = subscribeFresh("rt-set-sub", "rt/set", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        Mqtt5Publish received = next(publishes);
        assertThat(text(received)).isEqualTo("v1");
        assertThat(received.isRetain()).isTrue();
        assertThat(received.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        nothingMore(publishes);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-5] a new retained message replaces the previous one")
    void retainedMessageReplaced() throws Exception {
        publishRetained("rt/replace", "old", MqttQos.AT_LEAST_ONCE);
        publishRetained("rt/replace", "new", MqttQos.AT_LEAST_ONCE);
        var publishes = subscribeFresh("rt-replace-sub", "rt/replace", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        assertThat(text(next(publishes))).isEqualTo("new");
        nothingMore(publishes);
        assertThat(fixture.broker().retained().get("rt/replace").payload()).isEqualTo(utf8("new"));
    }

    @Test
    @DisplayName("[MQTT-3.3.1-6] [MQTT-3.3.1-7] an empty retained message clears the topic and still reaches current subscribers")
    void emptyRetainedMessageClears() throws Exception {
        publishRetained("rt/clear", "value", MqttQos.AT_LEAST_ONCE);
        var current = subscribeFresh("rt-clear-current", "rt/clear", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        assertThat(text(next(current))).isEqualTo("value");

        publisher().publishWith().topic("rt/clear").qos(MqttQos.AT_LEAST_ONCE).retain(true).send();
        Mqtt5Publish clearing = next(current);
        assertThat(clearing.getPayloadAsBytes()).isEmpty();
        assertThat(fixture.broker().retained().get("rt/clear")).isNull();

        var later = subscribeFresh("rt-clear-later", "rt/clear", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        nothingMore(later);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-8] a PUBLISH with RETAIN 0 neither stores nor replaces the retained message")
    void nonRetainedPublishLeavesRetainedMessage() throws Exception {
        publishRetained("rt/keep", "retained", MqttQos.AT_LEAST_ONCE);
        publisher().publishWith().topic("rt/keep").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("live")).send();
        publisher().publishWith().topic("rt/never").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("live")).send();

        var publishes = subscribeFresh("rt-keep-sub", "rt/#", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        assertThat(text(next(publishes))).isEqualTo("retained");
        nothingMore(publishes);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-9] retain handling 0 sends retained messages at every subscribe, also a repeated one")
    void retainHandlingSend() throws Exception {
        publishRetained("rh/0", "r", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient subscriber = clients.connectedV5("rh0-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("rh/0").qos(MqttQos.AT_LEAST_ONCE).retainHandling(Mqtt5RetainHandling.SEND).send();
        assertThat(next(publishes).isRetain()).isTrue();
        subscriber.subscribeWith().topicFilter("rh/0").qos(MqttQos.AT_LEAST_ONCE).retainHandling(Mqtt5RetainHandling.SEND).send();
        assertThat(next(publishes).isRetain()).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.3.1-10] retain handling 1 sends retained messages only when the subscription is new")
    void retainHandlingSendIfNew() throws Exception {
        publishRetained("rh/1", "r", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient subscriber = clients.connectedV5("rh1-sub");
        var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("rh/1").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
        assertThat(text(next(publishes))).isEqualTo("r");
        subscriber.subscribeWith().topicFilter("rh/1").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
        nothingMore(publishes);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-11] retain handling 2 never sends retained messages at subscribe; live ones still arrive")
    void retainHandlingDoNotSend() throws Exception {
        publishRetained("rh/2", "r", MqttQos.AT_LEAST_ONCE);
        var publishes = subscribeFresh("rh2-sub", "rh/2", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.DO_NOT_SEND);
        nothingMore(publishes);
        publishRetained("rh/2", "live", MqttQos.AT_LEAST_ONCE);
        assertThat(text(next(publishes))).isEqualTo("live");
    }

    @Test
    @DisplayName("[MQTT-3.3.1-9] a wildcard subscription gets the retained message of every matching topic")
    void retainedWithWildcards() throws Exception {
        publishRetained("rw/a", "a", MqttQos.AT_LEAST_ONCE);
        publishRetained("rw/b", "b", MqttQos.AT_LEAST_ONCE);
        publishRetained("rw/c/d", "cd", MqttQos.AT_LEAST_ONCE);

        var plus = subscribeFresh("rw-plus", "rw/+", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        List<String> viaPlus = new ArrayList<>(List.of(text(next(plus)), text(next(plus))));
        nothingMore(plus);
        assertThat(viaPlus).containsExactlyInAnyOrder("a", "b");

        var hash = subscribeFresh("rw-hash", "rw/#", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        List<String> viaHash = new ArrayList<>(List.of(text(next(hash)), text(next(hash)), text(next(hash))));
        assertThat(viaHash).containsExactlyInAnyOrder("a", "b", "cd");
    }

    @Test
    @DisplayName("[MQTT-3.8.4-8] a retained message is delivered at min(its QoS, granted QoS)")
    void retainedQosDowngraded() throws Exception {
        publishRetained("rq/t", "q2", MqttQos.EXACTLY_ONCE);
        var granted1 = subscribeFresh("rq-1", "rq/t", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        assertThat(next(granted1).getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        var granted2 = subscribeFresh("rq-2", "rq/t", MqttQos.EXACTLY_ONCE, Mqtt5RetainHandling.SEND);
        assertThat(next(granted2).getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
    }

    @Test
    @DisplayName("[MQTT-3.3.2-5] a retained message whose expiry interval has passed is not sent to new subscribers")
    void expiredRetainedMessageNotSent() throws Exception {
        publisher().publishWith().topic("rx/t").qos(MqttQos.AT_LEAST_ONCE).retain(true).messageExpiryInterval(1)
                .payload(utf8("short-lived")).send();
        publishRetained("rx/other", "long-lived", MqttQos.AT_LEAST_ONCE);
        UnsMessage stored = fixture.broker().retained().get("rx/t");
        assertThat(stored).isNotNull();
        await().atMost(WAIT).until(() -> stored.isExpired(System.nanoTime()));

        var publishes = subscribeFresh("rx-sub", "rx/#", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        assertThat(text(next(publishes))).isEqualTo("long-lived");
        nothingMore(publishes);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-9] 3.1.1 [MQTT-3.3.1-8] (Paho v3): retained on subscribe has RETAIN 1, live delivery RETAIN 0")
    void mqtt311RetainFlag() throws Exception {
        publishRetained("r3/t", "stored", MqttQos.AT_LEAST_ONCE);
        var paho = clients.paho3("r3-sub");
        paho.connect(new MqttConnectOptions());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        paho.subscribe("r3/t", 1, (topic, message) -> received.add(new String(message.getPayload()) + ":" + message.isRetained()));
        assertThat(next(received)).isEqualTo("stored:true");
        publishRetained("r3/t", "live", MqttQos.AT_LEAST_ONCE);
        assertThat(next(received)).isEqualTo("live:false");
        paho.disconnect();
    }

    @Test
    @DisplayName("[MQTT-3.3.1-5] a retained message published in-process through the bus is sent to later network subscribers")
    void retainedFromBus() throws Exception {
        fixture.broker().bus().publish(UnsMessage.of("rb/t", utf8("from-bus"), 1, true, MessageProperties.NONE,
                Origin.internal("test")));
        var publishes = subscribeFresh("rb-sub", "rb/#", MqttQos.AT_LEAST_ONCE, Mqtt5RetainHandling.SEND);
        Mqtt5Publish received = next(publishes);
        assertThat(text(received)).isEqualTo("from-bus");
        assertThat(received.isRetain()).isTrue();
    }
}
