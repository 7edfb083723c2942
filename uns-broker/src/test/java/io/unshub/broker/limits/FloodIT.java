package io.unshub.broker.limits;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One client floods 100,000 QoS 0 messages as fast as it can write while another client publishes 100 QoS 1
 * messages, one every 3 ms, to its own subscriber (issue 3: "a flood of 100,000 messages from one client while
 * another client's messages still arrive"). Without a quota the event loops must stay fair; with one, the
 * flooder is throttled (0x97 on its QoS 1 publishes) and the other client does not notice.
 */
@ExtendWith(NoLeaks.class)
class FloodIT {

    private static final int FLOOD = 100_000;
    private static final int VICTIM = 100;
    /** Every this many flood messages the flooder sends one at QoS 1, to learn what the broker thinks of it. */
    private static final int PROBE_EVERY = 1_000;
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    /** What one run observed. */
    private record Outcome(int victimReceived, long floodSinkReceived, long floodNanos, int probesRefused,
                           int victimSentDuringFlood) {
    }

    private Outcome run() throws Exception {
        AtomicLong floodSink = new AtomicLong();
        clients.connectedV5("flood-sink").toAsync().subscribeWith().topicFilter("flood/#")
                .callback(p -> floodSink.incrementAndGet()).send().join();
        ConcurrentHashMap<Integer, Long> victimArrivals = new ConcurrentHashMap<>();
        clients.connectedV5("victim-sub").toAsync().subscribeWith().topicFilter("victim/#").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> victimArrivals.putIfAbsent(ByteBuffer.wrap(p.getPayloadAsBytes()).getInt(), System.nanoTime()))
                .send().join();
        Mqtt5AsyncClient flooder = clients.connectedV5("flooder").toAsync();
        Mqtt5AsyncClient victim = clients.connectedV5("victim").toAsync();

        byte[] floodPayload = new byte[64];
        List<CompletableFuture<Mqtt5PublishResult>> probes = new ArrayList<>();
        AtomicLong floodDone = new AtomicLong(Long.MAX_VALUE);
        long floodStart = System.nanoTime();
        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
            List<CompletableFuture<Mqtt5PublishResult>> written = new ArrayList<>(FLOOD);
            for (int i = 1; i <= FLOOD; i++) {
                boolean probe = i % PROBE_EVERY == 0;
                CompletableFuture<Mqtt5PublishResult> sent = flooder.publishWith().topic("flood/" + (i % 50))
                        .qos(probe ? MqttQos.AT_LEAST_ONCE : MqttQos.AT_MOST_ONCE).payload(floodPayload).send();
                (probe ? probes : written).add(sent);
            }
            CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
            // a refused probe completes exceptionally (Mqtt5PubAckException); only completion matters here
            CompletableFuture.allOf(probes.stream().map(p -> p.handle((r, e) -> r)).toArray(CompletableFuture[]::new))
                    .join();
            floodDone.set(System.nanoTime());
        });
        // the victim starts once the broker is busy with the flood
        await().atMost(DEADLINE).until(() -> fixture.broker().metrics().messagesIn(0) >= 1_000);

        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sentDuringFlood = new AtomicInteger();
        List<CompletableFuture<Mqtt5PublishResult>> victimAcks = new ArrayList<>();
        CompletableFuture<Void> victimDone = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        try {
            pacer.scheduleAtFixedRate(() -> {
                int n = next.getAndIncrement();
                if (n >= VICTIM) {
                    victimDone.complete(null);
                    return;
                }
                if (floodDone.get() == Long.MAX_VALUE) {
                    sentDuringFlood.incrementAndGet();
                }
                synchronized (victimAcks) {
                    victimAcks.add(victim.publishWith().topic("victim/" + n).qos(MqttQos.AT_LEAST_ONCE)
                            .payload(ByteBuffer.allocate(4).putInt(0, n)).send());
                }
            }, 0, 3, TimeUnit.MILLISECONDS);
            victimDone.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            pacer.shutdownNow();
        }
        await().atMost(DEADLINE).until(() -> victimArrivals.size() == VICTIM);
        synchronized (victimAcks) {
            for (CompletableFuture<Mqtt5PublishResult> ack : victimAcks) {
                Mqtt5PublishResult result = ack.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(((Mqtt5Qos1Result) result).getPubAck().getReasonCode()).as("victim's PUBACK")
                        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            }
        }
        flood.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        int refused = 0;
        for (CompletableFuture<Mqtt5PublishResult> probe : probes) {
            try {
                assertThat(((Mqtt5Qos1Result) probe.join()).getPubAck().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOfSatisfying(Mqtt5PubAckException.class, refusal -> assertThat(
                        refusal.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED));
                refused++;
            }
        }
        Outcome outcome = new Outcome(victimArrivals.size(), floodSink.get(), floodDone.get() - floodStart, refused,
                sentDuringFlood.get());
        System.out.println("flood: " + outcome);
        return outcome;
    }

    @Test
    @DisplayName("without quotas: 100 QoS 1 messages of another client all arrive while 100,000 QoS 0 flood in")
    void floodWithoutQuota() throws Exception {
        Outcome outcome = run();
        assertThat(outcome.victimReceived()).isEqualTo(VICTIM);
        assertThat(outcome.victimSentDuringFlood()).as("victim messages sent while the flood was on").isPositive();
        assertThat(outcome.probesRefused()).isZero();
        assertThat(fixture.broker().metrics().messagesIn(0)).isEqualTo(FLOOD - FLOOD / PROBE_EVERY);
    }

    @Test
    @DisplayName("with a quota of 2,000 publishes/s: the flooder is throttled and gets 0x97, the other client's 100 messages all arrive")
    void floodWithQuota() throws Exception {
        fixture.restart(c -> c.withClientLimits(new ClientLimits(0, 0, 0, 2_000, 0, false, 0, 0, 0)));
        Outcome outcome = run();
        assertThat(outcome.victimReceived()).isEqualTo(VICTIM);
        assertThat(outcome.victimSentDuringFlood()).as("victim messages sent while the flood was on").isPositive();
        assertThat(outcome.probesRefused()).as("flooder's QoS 1 probes answered 0x97").isPositive();
        long throttled = fixture.broker().metrics().limitHits(LimitHit.PUBLISH_RATE);
        long allowance = 2_000 + 2_000 * TimeUnit.NANOSECONDS.toSeconds(outcome.floodNanos() + 999_999_999);
        assertThat(throttled).as("flood messages refused").isGreaterThanOrEqualTo(FLOOD - allowance);
        assertThat(outcome.floodSinkReceived()).as("flood messages delivered").isLessThanOrEqualTo(allowance);
    }
}
