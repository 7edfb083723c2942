package io.unshub.historian.bench;

import io.unshub.broker.Broker;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.Historian;
import io.unshub.historian.HistorianFixture;
import io.unshub.historian.ingest.IngestSettings;
import io.unshub.historian.retention.RetentionPolicy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Ingest throughput into the raw log (and decoded values): publishes UNS JSON values on the bus of a real
 * broker as fast as the historian keeps up (the publisher waits while the ingest queue is over half full,
 * so nothing is dropped) and reports messages per second committed. Args: messages (default 2000000),
 * topics (default 1000).
 */
public final class IngestBench {

    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        long messages = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int topics = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path dir = Files.createTempDirectory("historian-bench");
        Broker broker = new Broker(BrokerFixture.baseConfig());
        broker.start();
        int queue = 200_000;
        Historian historian = HistorianFixture.start(new Historian.Settings(dir,
                new IngestSettings(queue, 10_000, Duration.ofSeconds(1), Duration.ofSeconds(5)), List.of(), List.of(),
                true, new RetentionPolicy(0, Map.of()), Duration.ofHours(1), null), broker.bus());
        String[] names = new String[topics];
        for (int i = 0; i < topics; i++) {
            names[i] = "acme/plant1/area" + (i % 10) + "/line" + (i % 100) + "/cell1/_edge/tag" + i;
        }
        Origin origin = Origin.client("bench");
        long start = System.nanoTime();
        long ts = System.currentTimeMillis();
        for (long i = 0; i < messages; i++) {
            while (historian.status().queued() > queue / 2) {
                Thread.onSpinWait();
            }
            byte[] payload = ("{\"value\":" + (i % 1000) + ".5,\"timestamp_ms\":" + (ts + i / 1000)
                    + ",\"quality\":\"good\"}").getBytes(StandardCharsets.UTF_8);
            broker.bus().publish(UnsMessage.of(names[(int) (i % topics)], payload, 0, false,
                    MessageProperties.NONE, origin));
        }
        while (historian.status().stored() < messages && historian.status().dropped() == 0) {
            Thread.sleep(1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var status = historian.status();
        System.out.printf("ingest: %d messages (%d topics) in %.2f s = %.0f msg/s committed to the raw log, %d decoded "
                        + "values, %d dropped, %d commits, heap used %d MB%n", status.stored(), topics, seconds,
                status.stored() / seconds, status.values(), status.dropped(), status.commits(),
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        historian.close();
        broker.stop();
    }
}
