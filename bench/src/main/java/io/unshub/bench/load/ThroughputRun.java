package io.unshub.bench.load;

import io.unshub.bench.load.ResultRow.Column;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Closed-loop throughput for fan-in, fan-out and point-to-point: every publisher keeps its window full for the
 * warm-up and the measured phase, then stops and waits for its in-flight messages.
 */
final class ThroughputRun {

    /**
     * Who publishes where and who subscribes to what. Topics have the ISA-95 shape the hub enforces
     * (enterprise/site/_class/tag), so the same run measures every broker on equal terms.
     */
    private record Layout(List<String> publisherTopics, List<String> subscriberFilters, int receiversPerMessage) {

        static Layout of(BenchOptions options, String topicPrefix) {
            return switch (options.scenario) {
                case FAN_IN -> new Layout(
                        numbered(topicPrefix + "/fan-in/_raw/", options.publishers),
                        List.of(topicPrefix + "/fan-in/_raw/+"),
                        1);
                case FAN_OUT -> new Layout(
                        List.of(topicPrefix + "/fan-out/_raw/data"),
                        Collections.nCopies(options.subscribers, topicPrefix + "/fan-out/_raw/data"),
                        options.subscribers);
                case P2P -> new Layout(
                        numbered(topicPrefix + "/p2p/_raw/", options.pairs),
                        numbered(topicPrefix + "/p2p/_raw/", options.pairs),
                        1);
                default -> throw new IllegalArgumentException(options.scenario + " is not a throughput scenario");
            };
        }

        private static List<String> numbered(String prefix, int count) {
            List<String> topics = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                topics.add(prefix + i);
            }
            return topics;
        }
    }

    /**
     * One subscriber's view: remembers the highest sequence seen per publisher and turns each advance into receipts
     * for that publisher's window. Runs on the client's callback thread, one message at a time.
     */
    private static final class ReceiptTracker implements Consumer<ByteBuffer> {

        private final WindowedPublisher[] publishers;
        private final long[] highestSequenceByPublisher;
        private final DeliveryCounter deliveries;
        private final LongAdder foreignMessages;

        ReceiptTracker(WindowedPublisher[] publishers, DeliveryCounter deliveries, LongAdder foreignMessages) {
            this.publishers = publishers;
            this.highestSequenceByPublisher = new long[publishers.length];
            Arrays.fill(highestSequenceByPublisher, -1);
            this.deliveries = deliveries;
            this.foreignMessages = foreignMessages;
        }

        @Override
        public void accept(ByteBuffer payload) {
            long receivedAt = System.nanoTime();
            if (!BenchPayload.isBenchPayload(payload)) {
                foreignMessages.increment();
                return;
            }
            int publisherIndex = BenchPayload.publisherIndex(payload);
            if (publisherIndex < 0 || publisherIndex >= publishers.length || publishers[publisherIndex] == null) {
                foreignMessages.increment();
                return;
            }
            deliveries.onDelivery(receivedAt - BenchPayload.sendNanos(payload));
            long sequence = BenchPayload.sequence(payload);
            long highest = highestSequenceByPublisher[publisherIndex];
            if (sequence > highest) {
                highestSequenceByPublisher[publisherIndex] = sequence;
                publishers[publisherIndex].onReceiptsAdvanced(sequence - highest);
            }
        }
    }

    private final BenchOptions options;
    private final ResourceSampler sampler;
    private volatile boolean tearingDown;

    ThroughputRun(BenchOptions options, ResourceSampler sampler) {
        this.options = options;
        this.sampler = sampler;
    }

    ResultRow run() throws InterruptedException {
        String clientPrefix = options.clientPrefix();
        Layout layout = Layout.of(options, "bench/" + clientPrefix);
        BenchClients clients = new BenchClients(options.host, options.port, options.mqttVersion,
                options.keepAliveSeconds, options.sessionExpirySeconds, () -> tearingDown);
        LongAdder publishFailures = new LongAdder();
        LongAdder foreignMessages = new LongAdder();
        DeliveryCounter deliveries = new DeliveryCounter();

        List<BenchClient> publisherClients = new ArrayList<>();
        for (int i = 0; i < layout.publisherTopics().size(); i++) {
            publisherClients.add(clients.create(clientPrefix + "-pub-" + i));
        }
        List<BenchClient> subscribers = new ArrayList<>();
        for (int i = 0; i < layout.subscriberFilters().size(); i++) {
            subscribers.add(clients.create(clientPrefix + "-sub-" + i));
        }
        // Filled once the publishers are connected; no message can reach a subscriber before that.
        WindowedPublisher[] publishers = new WindowedPublisher[publisherClients.size()];

        // Subscribers first, so that no message published during the warm-up goes to nobody.
        Futures.awaitAll(subscribers, BenchClient::connect, options.connectTimeout, "connecting subscribers");
        List<Integer> subscriberIndexes = IntStream.range(0, subscribers.size()).boxed().toList();
        Futures.awaitAll(subscriberIndexes,
                i -> subscribers.get(i).subscribe(layout.subscriberFilters().get(i), options.qos,
                        new ReceiptTracker(publishers, deliveries, foreignMessages)),
                options.connectTimeout, "subscribing");
        Futures.awaitAll(publisherClients, BenchClient::connect, options.connectTimeout, "connecting publishers");
        for (int i = 0; i < publishers.length; i++) {
            BenchClient.PublishStream stream = publisherClients.get(i)
                    .openPublishStream(layout.publisherTopics().get(i), options.qos, publishFailures::increment);
            publishers[i] = new WindowedPublisher(i, stream, options.payloadSize, options.window,
                    layout.receiversPerMessage());
        }

        for (WindowedPublisher publisher : publishers) {
            publisher.pump();
        }
        // Fixed-length warm-up: the JIT compiles the hot paths of broker and generator, buffers and queues reach
        // their steady size; everything counted until now is discarded.
        Thread.sleep(options.warmup);

        deliveries.latency().reset();
        long deliveredAtStart = deliveries.delivered();
        long sentAtStart = totalSent(publishers);
        ResourceSampler.Snapshot start = sampler.sample();
        deliveries.setTargetFromNow(options.messages);
        deliveries.targetReached().await(options.duration.toNanos(), TimeUnit.NANOSECONDS);
        ResourceSampler.Snapshot end = sampler.sample();
        long deliveredInPhase = deliveries.delivered() - deliveredAtStart;
        long sentInPhase = totalSent(publishers) - sentAtStart;
        Histogram latency = deliveries.latency().takeSnapshot();

        awaitDrained(publishers);
        long lost = Arrays.stream(publishers).mapToLong(WindowedPublisher::inFlight).sum();
        long errors = publishFailures.sum() + clients.unexpectedDisconnects();

        tearingDown = true;
        for (WindowedPublisher publisher : publishers) {
            publisher.close();
        }
        List<BenchClient> everyone = new ArrayList<>(publisherClients);
        everyone.addAll(subscribers);
        Futures.awaitAllQuietly(everyone, BenchClient::disconnect, options.connectTimeout, "disconnecting");

        if (foreignMessages.sum() > 0) {
            System.err.println("warning: " + foreignMessages.sum() + " messages without a benchmark payload arrived");
        }
        ResultRow row = new ResultRow()
                .set(Column.QOS, options.qos)
                .set(Column.PUBLISHERS, publishers.length)
                .set(Column.SUBSCRIBERS, subscribers.size())
                .set(Column.CONNECTIONS, publishers.length + subscribers.size())
                .set(Column.WINDOW, options.window)
                .set(Column.PAYLOAD_BYTES, options.payloadSize)
                .set(Column.SENT, sentInPhase)
                .set(Column.DELIVERED, deliveredInPhase)
                .set(Column.DELIVERED_PER_S, deliveredInPhase / ((end.nanoTime() - start.nanoTime()) / 1e9))
                .set(Column.LOST, lost)
                .set(Column.ERRORS, errors);
        sampler.describePhase(row, start, end, deliveredInPhase);
        LatencyRecorder.describe(row, latency);
        return row;
    }

    private static long totalSent(WindowedPublisher[] publishers) {
        return Arrays.stream(publishers).mapToLong(WindowedPublisher::sent).sum();
    }

    /** Stops all publishers and waits (bounded) until their in-flight messages arrived. */
    private void awaitDrained(WindowedPublisher[] publishers) throws InterruptedException {
        CompletableFuture<?>[] drained = Arrays.stream(publishers)
                .map(WindowedPublisher::stop)
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(drained).get(options.drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            System.err.println("warning: in-flight messages still missing after " + options.drainTimeout.toSeconds()
                    + " s; they are reported as lost");
        } catch (ExecutionException e) {
            throw new IllegalStateException("draining failed", e.getCause());
        }
    }
}
