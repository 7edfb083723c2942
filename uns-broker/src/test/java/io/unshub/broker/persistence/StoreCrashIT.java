package io.unshub.broker.persistence;

import io.unshub.broker.persistence.RecoveredState.RecoveredSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} while batches are being committed: every batch the child process reported as
 * completed is in the store afterwards, each batch is whole (its queued message and its retained
 * update together), and each client's queue has no gaps. The child is killed three times in one
 * directory, each run continuing where the recovered state ends.
 *
 * <p>SIGKILL leaves the operating system's page cache alone, so this shows crash consistency and that
 * acknowledged batches reached the WAL; that an fsync happened before the acknowledgement is shown by
 * {@link RocksBrokerStoreTest#aCommitCompletesOnlyAfterTheSyncThatCoversIt}. Power loss itself is not
 * simulated here.
 */
class StoreCrashIT {

    private static final int CLIENTS = 4;
    private static final Pattern ACK = Pattern.compile("ack (c\\d+) (\\d+)");

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedBatchSurvivesSigkillWithSyncEach() throws Exception {
        killRepeatedly("sync-each", 3);
    }

    @Test
    void everyAcknowledgedBatchSurvivesSigkillWithGroupCommit() throws Exception {
        killRepeatedly("group-commit:2ms", 1);
    }

    private void killRepeatedly(String durability, int kills) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Map<String, Long> acknowledged = new ConcurrentHashMap<>(); // highest acknowledged sequence per client
        for (int run = 1; run <= kills; run++) {
            int killAfter = 200 + random.nextInt(3000);
            String context = "seed " + seed + ", run " + run + ", kill after " + killAfter + " acks";
            runChildAndKill(durability, killAfter, acknowledged, context);

            try (RocksBrokerStore store = RocksBrokerStore.open(dir, Durability.syncEach())) {
                RecoveredState state = store.recover();
                Map<String, RecoveredSession> sessions = state.sessions().stream()
                        .collect(Collectors.toMap(s -> s.session().clientId(), Function.identity()));
                StringBuilder summary = new StringBuilder();
                Map<String, String> lastRetained = state.retained().stream()
                        .collect(Collectors.toMap(m -> m.topic(), StoreTestData::payload));
                for (Map.Entry<String, Long> entry : acknowledged.entrySet()) {
                    String client = entry.getKey();
                    RecoveredSession session = sessions.get(client);
                    assertThat(session).as(context + ": session " + client).isNotNull();
                    List<Long> sequences = session.queued().stream().map(QueuedMessage::sequence).toList();
                    long stored = sequences.size();
                    assertThat(sequences).as(context + ": queue of " + client + " has no gaps")
                            .containsExactlyElementsOf(LongStream.range(0, stored).boxed().toList());
                    assertThat(stored - 1).as(context + ": everything acknowledged to " + client + " is stored")
                            .isGreaterThanOrEqualTo(entry.getValue());
                    assertThat(lastRetained.get("last/" + client)).as(context + ": batch of " + client + " is whole")
                            .isEqualTo(Long.toString(stored - 1));
                    assertThat(StoreTestData.payload(session.queued().get((int) stored - 1).message()))
                            .isEqualTo(client + ":" + (stored - 1));
                    summary.append(' ').append(client).append(' ').append(entry.getValue()).append('/')
                            .append(stored - 1);
                }
                System.out.println(durability + ", " + context + ": highest acknowledged/stored sequence per client:"
                        + summary);
            }
        }
        assertThat(acknowledged).hasSize(CLIENTS);
    }

    private void runChildAndKill(String durability, int killAfter, Map<String, Long> acknowledged, String context)
            throws Exception {
        Path stderr = Files.createTempFile("store-crash-child", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                StoreCrashChild.class.getName(), dir.toString(), durability, Integer.toString(CLIENTS))
                .redirectError(stderr.toFile())
                .start();
        AtomicInteger acks = new AtomicInteger();
        CountDownLatch enough = new CountDownLatch(1);
        CountDownLatch eof = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().name("child-stdout").start(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m = ACK.matcher(line);
                    if (m.matches()) {
                        // A line cut by the kill parses as a smaller number: it claims less, never more.
                        acknowledged.merge(m.group(1), Long.parseLong(m.group(2)), Math::max);
                        if (acks.incrementAndGet() >= killAfter) {
                            enough.countDown();
                        }
                    }
                }
            } catch (IOException e) {
                // the pipe broke with the kill: everything read so far counts
            } finally {
                eof.countDown();
            }
        });
        try {
            boolean reached = enough.await(40, TimeUnit.SECONDS);
            child.destroyForcibly(); // SIGKILL, in the middle of commits
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).as(context + ": child died").isTrue();
            assertThat(eof.await(20, TimeUnit.SECONDS)).as(context + ": child output closed").isTrue();
            assertThat(reached).as(context + ": child acknowledged " + acks.get() + " batches; its log:\n"
                    + Files.readString(stderr)).isTrue();
            assertThat(child.exitValue()).as(context + ": killed by SIGKILL").isEqualTo(137);
        } finally {
            child.destroyForcibly();
            reader.join(TimeUnit.SECONDS.toMillis(20));
            Files.deleteIfExists(stderr);
        }
    }
}
