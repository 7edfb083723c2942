package io.unshub.historian.bench;

import io.unshub.broker.Broker;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.Historian;
import io.unshub.historian.HistorianFixture;
import io.unshub.historian.ingest.IngestSettings;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryRecord;
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
 * so nothing is dropped) and reports messages per second committed; then reads the whole log back through the
 * history reader in pages of 10,000 (what a replay at speed 0 does) and reports records per second. Args: messages
 * (default 2000000), topics (default 1000), and "grouped" to put every other topic in a class with its own
 * retention, so ingest writes and reads merge two retention groups (default "single": one group).
 */
public final class IngestBench {

    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        long messages = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int topics = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        boolean grouped = args.length > 2 && args[2].equals("grouped");
        Path dir = Files.createTempDirectory("historian-bench");
        Broker broker = new Broker(BrokerFixture.baseConfig());
        broker.start();
        int queue = 200_000;
        Historian historian = HistorianFixture.start(new Historian.Settings(dir,
                new IngestSettings(queue, 10_000, Duration.ofSeconds(1), Duration.ofSeconds(5)), List.of(), List.of(),
                true, new RetentionPolicy(0, grouped ? Map.of("_state", 365) : Map.of()), Duration.ofHours(1), null),
                broker.bus());
        String[] names = new String[topics];
        for (int i = 0; i < topics; i++) {
            String cls = grouped && i % 2 == 1 ? "_state" : "_edge";
            names[i] = "acme/plant1/area" + (i % 10) + "/line" + (i % 100) + "/cell1/" + cls + "/tag" + i;
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
        for (int round = 1; round <= 3; round++) {
            long readStart = System.nanoTime();
            long read = 0;
            long cursor = -1;
            long from = 0;
            while (true) {
                // As a replay pages: after the cursor, from the last receive time (timestamps never go backwards).
                List<HistoryRecord> page = historian.reader().read(new HistoryRange("#", from, Long.MAX_VALUE, cursor, 10_000));
                if (page.isEmpty()) {
                    break;
                }
                read += page.size();
                cursor = page.get(page.size() - 1).sequence();
                from = page.get(page.size() - 1).receivedAtMillis();
            }
            double readSeconds = (System.nanoTime() - readStart) / 1e9;
            System.out.printf("read %d (%s): %d records in %.2f s = %.0f records/s%n", round,
                    grouped ? "two groups" : "one group", read, readSeconds, read / readSeconds);
        }
        historian.close();
        broker.stop();
    }
}
