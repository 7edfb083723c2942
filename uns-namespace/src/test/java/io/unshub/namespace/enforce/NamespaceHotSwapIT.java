package io.unshub.namespace.enforce;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.check.Rule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new model is installed while a client publishes: the switch is atomic per message (every publish is
 * checked against exactly one model), nobody is disconnected, and what was accepted before was delivered.
 */
class NamespaceHotSwapIT extends AbstractNamespaceIT {

    static final String TOPIC = "acme/dallas/press/line1/_raw/counter";
    static final String MARKER = "acme/dallas/press/line1/cell1/_edge/marker";

    @Test
    @DisplayName("install() while a client publishes QoS 1: PUBACKs switch from success to 0x90, no error, accepted ones all delivered")
    void swapWhileClientsPublish() throws Exception {
        startHub();
        String first = model("{}");
        String second = first.replace("    _raw: { payload: any }\n", "").replace("revision: it-1", "revision: it-2");
        CompiledNamespace next = compile(second);
        assertThat(next.classify(TOPIC)).as("the second model refuses the topic").isNegative();
        assertThat(enforcer.current().classify(TOPIC)).as("the first model accepts it").isNotNegative();

        Mqtt5BlockingClient.Mqtt5Publishes historian = subscriber("historian", "acme/#");
        Mqtt5BlockingClient publisher = connectedV5("counter-plc");

        List<Integer> codes = Collections.synchronizedList(new ArrayList<>()); // codes.get(i): PUBACK of message i+1
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread loop = Thread.ofPlatform().name("publisher").start(() -> {
            for (int seq = 1; !stop.get(); seq++) {
                try {
                    Mqtt5PubAck ack = pubAck(publisher.toAsync().publishWith().topic(TOPIC).qos(MqttQos.AT_LEAST_ONCE)
                            .payload(Integer.toString(seq).getBytes(StandardCharsets.UTF_8)).send());
                    codes.add(ack.getReasonCode().getCode());
                } catch (Throwable e) {
                    errors.add(e);
                    return;
                }
            }
        });
        try {
            await().atMost(WAIT).until(() -> errors.isEmpty() ? count(codes, 0x00) >= 50 : fail(errors));
            enforcer.install(next);
            await().atMost(WAIT).until(() -> errors.isEmpty() ? count(codes, 0x90) >= 50 : fail(errors));
        } finally {
            stop.set(true);
            loop.join(WAIT.toMillis());
        }
        assertThat(loop.isAlive()).isFalse();
        assertThat(errors).as("publish failures").isEmpty();
        assertThat(publisher.getState().isConnected()).isTrue();
        assertThat(broker.connection("counter-plc")).isPresent();

        // Every message was checked against one model: successes up to the swap, then only refusals.
        List<Integer> all = List.copyOf(codes);
        int swappedAt = all.indexOf(0x90);
        assertThat(swappedAt).isPositive();
        assertThat(all.subList(0, swappedAt)).containsOnly(Mqtt5PubAckReasonCode.SUCCESS.getCode());
        assertThat(all.subList(swappedAt, all.size())).containsOnly(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID.getCode());
        assertThat(enforcer.counters().count(Rule.CLASS_UNKNOWN)).isEqualTo(all.size() - swappedAt);

        // Every accepted message reached the subscriber, in order, and no refused one did.
        assertThat(pubAck(publisher, MARKER, value(1), false).getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        List<Mqtt5Publish> delivered = receivedBefore(historian, MARKER);
        assertThat(delivered).extracting(AbstractNamespaceIT::text)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, swappedAt).mapToObj(Integer::toString).toList());
        assertThat(enforcer.current().model().revision()).isEqualTo("it-2");
    }

    private static long count(List<Integer> codes, int code) {
        synchronized (codes) {
            return codes.stream().filter(c -> c == code).count();
        }
    }

    private static boolean fail(List<Throwable> errors) {
        throw new AssertionError("the publisher failed", errors.getFirst());
    }
}
