package io.unshub.historian;

import io.unshub.broker.testing.BrokerFixture;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 in the middle of ingest: everything the child had committed is read back after a restart, the
 * sequence numbers are gap-free and in publish order, and numbering continues where the log ends. With two
 * retention groups the batch in flight may have reached one group's log and not the other's: what it left is
 * kept above the last committed sequence (ascending, unique, perhaps with holes), never below it.
 */
class HistorianCrashIT {

    private static final long KILL_AFTER_SEQUENCE = 20_000;

    @RegisterExtension
    final BrokerFixture brokerFixture = new BrokerFixture();

    @TempDir
    Path dir;

    @Test
    void aKilledHistorianKeepsEverythingItCommittedAndContinues() throws Exception {
        killAndRecover(false);
    }

    @Test
    void aKilledHistorianWithTwoRetentionGroupsKeepsEverythingItCommittedAndContinues() throws Exception {
        killAndRecover(true);
    }

    private void killAndRecover(boolean grouped) throws Exception {
        Path store = dir.resolve("historian");
        AtomicLong committed = new AtomicLong(-1);
        Path stderr = Files.createTempFile("historian-crash-child", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                HistorianCrashChild.class.getName(), store.toString(), grouped ? "grouped" : "single")
                .redirectError(stderr.toFile())
                .start();
        CountDownLatch enough = new CountDownLatch(1);
        CountDownLatch eof = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().name("child-stdout").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("committed ")) {
                        // A line cut by the kill parses as a smaller number: it claims less, never more.
                        long seq = Long.parseLong(line.substring("committed ".length()).trim());
                        committed.accumulateAndGet(seq, Math::max);
                        if (seq >= KILL_AFTER_SEQUENCE) {
                            enough.countDown();
                        }
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the pipe broke with the kill: everything read so far counts
            } finally {
                eof.countDown();
            }
        });
        try {
            boolean reached = enough.await(60, TimeUnit.SECONDS);
            child.destroyForcibly(); // SIGKILL, with batches in flight
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(eof.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(reached).as("child committed %d; its log:\n%s", committed.get(), Files.readString(stderr)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);
        } finally {
            child.destroyForcibly();
            reader.join(TimeUnit.SECONDS.toMillis(20));
            Files.deleteIfExists(stderr);
        }

        Historian historian = Historian.open(HistorianCrashChild.settings(store, grouped), () -> HistorianFixture.BUILT_IN);
        try {
            long expected = 0;
            long lastSeq = -1;
            long lastIndex = -1;
            long cursor = -1;
            while (true) {
                List<HistoryRecord> page = historian.reader().read(new HistoryRange("#", 0, Long.MAX_VALUE, cursor, 10_000));
                if (page.isEmpty()) {
                    break;
                }
                for (HistoryRecord r : page) {
                    if (expected <= committed.get() || !grouped) {
                        assertThat(r.sequence()).isEqualTo(expected);
                    } else {
                        assertThat(r.sequence()).isGreaterThan(lastSeq);
                    }
                    lastSeq = r.sequence();
                    expected = lastSeq + 1;
                    String payload = new String(r.payload(), StandardCharsets.UTF_8);
                    assertThat(payload).startsWith("m-");
                    long index = Long.parseLong(payload.substring(2));
                    assertThat(index).isGreaterThan(lastIndex);
                    assertThat(r.topic()).isEqualTo(HistorianCrashChild.topic(index, grouped));
                    lastIndex = index;
                }
                cursor = page.get(page.size() - 1).sequence();
            }
            long recovered = expected - 1;
            System.out.println("kill -9: child reported " + committed.get() + " committed, " + recovered + " recovered");
            assertThat(recovered).isGreaterThanOrEqualTo(committed.get());

            if (grouped) {
                assertThat(historian.store().groups()).hasSize(2);
            }
            historian.start(brokerFixture.broker().bus());
            brokerFixture.broker().bus().publish(HistorianFixture.message("acme/plant1/_edge/after", "after"));
            await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() == 1);
            List<HistoryRecord> after = historian.reader().read(new HistoryRange("acme/plant1/_edge/after", 0,
                    Long.MAX_VALUE, -1, 10));
            assertThat(after).extracting(HistoryRecord::sequence).containsExactly(recovered + 1);
        } finally {
            historian.close();
        }
    }
}
