package io.unshub.bench.load;

import io.unshub.bench.load.ResultRow.Column;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop latency: one publisher sends at a fixed rate regardless of how fast messages come back, one subscriber
 * records the time from hand-off to the client until its callback runs. A fixed rate far below saturation shows
 * the broker's own latency rather than queueing behind a full window.
 */
final class LatencyRun {

    private final BenchOptions options;
    private final ResourceSampler sampler;
    private volatile boolean tearingDown;

    LatencyRun(BenchOptions options, ResourceSampler sampler) {
        this.options = options;
        this.sampler = sampler;
    }

    ResultRow run() throws InterruptedException {
        String clientPrefix = options.clientPrefix();
        String topic = "bench/" + clientPrefix + "/_raw/latency"; // ISA-95 shaped: the hub enforces it
        BenchClients clients = new BenchClients(options.host, options.port, options.mqttVersion,
                options.keepAliveSeconds, () -> tearingDown);
        BenchClient subscriber = clients.create(clientPrefix + "-sub");
        BenchClient publisher = clients.create(clientPrefix + "-pub");
        DeliveryCounter deliveries = new DeliveryCounter();
        AtomicLong sent = new AtomicLong();
        CompletableFuture<Void> drained = new CompletableFuture<>();
        LongAdder publishFailures = new LongAdder();

        Futures.awaitAll(List.of(subscriber), BenchClient::connect, options.connectTimeout, "connecting subscriber");
        Futures.awaitAll(List.of(subscriber), client -> client.subscribe(topic, options.qos, (ByteBuffer payload) -> {
            deliveries.onDelivery(System.nanoTime() - BenchPayload.sendNanos(payload));
            if (tearingDown && deliveries.delivered() >= sent.get()) {
                drained.complete(null);
            }
        }), options.connectTimeout, "subscribing");
        Futures.awaitAll(List.of(publisher), BenchClient::connect, options.connectTimeout, "connecting publisher");
        BenchClient.PublishStream stream = publisher.openPublishStream(topic, options.qos, publishFailures::increment);

        long periodNanos = 1_000_000_000L / options.rate;
        long warmupEnd = System.nanoTime() + options.warmup.toNanos();
        long measureEnd = warmupEnd + options.duration.toNanos();
        long nextSendAt = System.nanoTime();
        ResourceSampler.Snapshot start = null;
        long deliveredAtStart = 0;
        long sentAtStart = 0;
        boolean measuring = false;
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now >= warmupEnd) {
                deliveries.latency().reset();
                deliveredAtStart = deliveries.delivered();
                sentAtStart = sent.get();
                start = sampler.sample();
                deliveries.setTargetFromNow(options.messages);
                measuring = true;
            }
            if (now >= measureEnd || deliveries.targetReached().getCount() == 0) {
                break;
            }
            if (now < nextSendAt) {
                // Pacing: park until the next slot. The timestamp is taken after waking, so scheduler oversleep
                // delays the send but is not counted as broker latency.
                LockSupport.parkNanos(nextSendAt - now);
                continue;
            }
            long sequence = sent.getAndIncrement();
            stream.send(BenchPayload.encode(options.payloadSize, System.nanoTime(), 0, sequence));
            nextSendAt += periodNanos;
        }
        ResourceSampler.Snapshot end = sampler.sample();
        long deliveredInPhase = deliveries.delivered() - deliveredAtStart;
        long sentInPhase = sent.get() - sentAtStart;
        Histogram latency = deliveries.latency().takeSnapshot();

        tearingDown = true;
        if (deliveries.delivered() >= sent.get()) {
            drained.complete(null);
        }
        try {
            drained.get(options.drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            System.err.println("warning: " + (sent.get() - deliveries.delivered())
                    + " messages still missing after the drain timeout; they are reported as lost");
        }
        long lost = sent.get() - deliveries.delivered();
        stream.close();
        long errors = publishFailures.sum() + clients.unexpectedDisconnects();
        Futures.awaitAllQuietly(List.of(publisher, subscriber), BenchClient::disconnect, options.connectTimeout,
                "disconnecting");

        ResultRow row = new ResultRow()
                .set(Column.QOS, options.qos)
                .set(Column.PUBLISHERS, 1)
                .set(Column.SUBSCRIBERS, 1)
                .set(Column.CONNECTIONS, 2)
                .set(Column.PAYLOAD_BYTES, options.payloadSize)
                .set(Column.TARGET_RATE, options.rate)
                .set(Column.SENT, sentInPhase)
                .set(Column.DELIVERED, deliveredInPhase)
                .set(Column.DELIVERED_PER_S, deliveredInPhase / ((end.nanoTime() - start.nanoTime()) / 1e9))
                .set(Column.LOST, lost)
                .set(Column.ERRORS, errors);
        sampler.describePhase(row, start, end, deliveredInPhase);
        LatencyRecorder.describe(row, latency);
        return row;
    }
}
