package io.unshub.broker.limits;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.netty.channel.Channel;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.metrics.BrokerMetrics.DropReason;
import io.unshub.broker.session.Session;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading (issue 3: "its queue fills and overflows per policy, everyone else unaffected,
 * memory bounded"). The slow client is a raw socket that subscribes to {@code #} and never reads again. What
 * the broker holds for it is bounded by the connection's write buffer (high-water mark) plus the session queue
 * ({@code maxQueuedMessages}); everything beyond is dropped and counted.
 */
@ExtendWith(NoLeaks.class)
class SlowConsumerIT {

    private static final int QUEUE = 1_000;
    private static final int MESSAGES = 20_000;
    private static final byte[] PAYLOAD = new byte[1024];
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture()
            .configure(c -> c.withLimits(c.maxPacketSize(), c.receiveMaximum(), c.topicAliasMaximum(), QUEUE,
                    c.maxKeepAliveSeconds()));
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private BrokerMetrics metrics() {
        return fixture.broker().metrics();
    }

    /** Connects the raw client that subscribes to everything and then never reads. */
    private Session stalledSubscriber(int qos) throws Exception {
        RawMqttClient slow = clients.raw();
        slow.connect(4, "slow");
        slow.send(RawPackets.subscribe(4, 1, null, "#", qos));
        slow.expect(9, Duration.ofSeconds(5)); // SUBACK; from here on nothing is read
        return fixture.broker().sessions().all().stream().filter(s -> s.clientId().equals("slow")).findFirst().orElseThrow();
    }

    /** Bytes waiting in the slow connection's outbound buffer, read on its event loop. */
    private long pendingOutboundBytes() throws Exception {
        Channel channel = fixture.broker().connection("slow").orElseThrow().channel();
        return channel.eventLoop().submit(() -> {
            var buffer = channel.unsafe().outboundBuffer();
            return buffer == null ? 0L : buffer.totalPendingWriteBytes();
        }).get(5, TimeUnit.SECONDS);
    }

    private static void publishAll(Mqtt5AsyncClient publisher, String prefix, int count, MqttQos qos) throws Exception {
        List<CompletableFuture<Mqtt5PublishResult>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sent.add(publisher.publishWith().topic(prefix + (i % 100)).qos(qos).payload(PAYLOAD).send());
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        for (CompletableFuture<Mqtt5PublishResult> result : sent) {
            assertThat(result.join().getError()).isEmpty();
        }
    }

    @Test
    @DisplayName("QoS 1 to a client that stopped reading: write buffer, then the session queue fills, the rest is dropped as QUEUE_FULL; another subscriber gets all 20,000")
    void stalledQos1Subscriber() throws Exception {
        Session slow = stalledSubscriber(1);
        AtomicInteger good = new AtomicInteger();
        clients.connectedV5("good").toAsync().subscribeWith().topicFilter("data/#").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> good.incrementAndGet()).send().join();
        Mqtt5AsyncClient publisher = clients.connectedV5("publisher").toAsync();

        publishAll(publisher, "data/", MESSAGES, MqttQos.AT_LEAST_ONCE);
        await().atMost(WAIT).until(() -> good.get() == MESSAGES);

        // every message for the slow client is accounted for: sent and unacknowledged, queued, or dropped
        await().atMost(WAIT).until(() -> slow.inflightCount() + slow.queuedCount()
                + metrics().droppedCount(DropReason.QUEUE_FULL) == MESSAGES);
        assertThat(slow.queuedCount()).as("the session queue is full, not beyond").isEqualTo(QUEUE);
        assertThat(metrics().droppedCount(DropReason.QUEUE_FULL)).isPositive();
        long pending = pendingOutboundBytes();
        assertThat(pending).as("bytes held in the write buffer")
                .isLessThanOrEqualTo(fixture.broker().config().writeBufferHighWaterMark() + PAYLOAD.length + 64L);
        System.out.printf("stalled QoS 1 subscriber: %d in flight, %d queued, %d dropped, %d bytes buffered%n",
                slow.inflightCount(), slow.queuedCount(), metrics().droppedCount(DropReason.QUEUE_FULL), pending);

        assertThat(fixture.broker().connection("slow")).as("dropping is the policy, not disconnecting").isPresent();
        assertThat(fixture.broker().eventLoopsRespond(1_000)).isTrue();
    }

    @Test
    @DisplayName("QoS 0 to a client that stopped reading: dropped as SLOW_CONSUMER once its write buffer is full; a QoS 1 conversation next to it is untouched")
    void stalledQos0Subscriber() throws Exception {
        Session slow = stalledSubscriber(0);
        AtomicInteger good = new AtomicInteger();
        clients.connectedV5("good").toAsync().subscribeWith().topicFilter("other/#").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> good.incrementAndGet()).send().join();
        Mqtt5AsyncClient flooder = clients.connectedV5("flooder").toAsync();
        Mqtt5AsyncClient other = clients.connectedV5("other").toAsync();

        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
            try {
                publishAll(flooder, "data/", MESSAGES, MqttQos.AT_MOST_ONCE);
                // acknowledged only after the broker routed every QoS 0 message before it
                flooder.publishWith().topic("data/end").qos(MqttQos.AT_LEAST_ONCE).send().get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        publishAll(other, "other/", 100, MqttQos.AT_LEAST_ONCE);
        flood.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await().atMost(WAIT).until(() -> good.get() == 100);

        await().atMost(WAIT).until(() -> slow.queuedCount() == 0);
        assertThat(metrics().droppedCount(DropReason.SLOW_CONSUMER)).isPositive();
        assertThat(pendingOutboundBytes()).as("bytes held in the write buffer")
                .isLessThanOrEqualTo(fixture.broker().config().writeBufferHighWaterMark() + PAYLOAD.length + 64L);
        assertThat(fixture.broker().connection("slow")).isPresent();
        assertThat(fixture.broker().eventLoopsRespond(1_000)).isTrue();
    }
}
