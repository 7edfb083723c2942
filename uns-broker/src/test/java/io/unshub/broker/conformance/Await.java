package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bounded receives shared by the conformance tests: one to expect a message, one to assert silence. */
final class Await {

    /** How long a message that should arrive may take. */
    static final Duration WAIT = Duration.ofSeconds(5);
    /** How long we listen to conclude that nothing (more) arrives. */
    static final Duration QUIET = Duration.ofMillis(400);

    private Await() {
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    static String text(Mqtt3Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> received = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).as("a message within %s", WAIT).isPresent();
        return received.get();
    }

    static Mqtt3Publish next(Mqtt3BlockingClient.Mqtt3Publishes publishes) throws InterruptedException {
        Optional<Mqtt3Publish> received = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).as("a message within %s", WAIT).isPresent();
        return received.get();
    }

    static List<Mqtt5Publish> next(Mqtt5BlockingClient.Mqtt5Publishes publishes, int count) throws InterruptedException {
        List<Mqtt5Publish> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(next(publishes));
        }
        return all;
    }

    static void nothingMore(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> received = publishes.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received.map(p -> p.getTopic() + " " + text(p))).as("no further message").isEmpty();
    }

    static void nothingMore(Mqtt3BlockingClient.Mqtt3Publishes publishes) throws InterruptedException {
        Optional<Mqtt3Publish> received = publishes.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received.map(p -> p.getTopic() + " " + text(p))).as("no further message").isEmpty();
    }

    static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
        T item = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(item).as("an item within %s", WAIT).isNotNull();
        return item;
    }

    static <T> void nothingMore(BlockingQueue<T> queue) throws InterruptedException {
        assertThat(queue.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).as("no further item").isNull();
    }
}
