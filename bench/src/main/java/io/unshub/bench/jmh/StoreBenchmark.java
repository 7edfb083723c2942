package io.unshub.bench.jmh;

import io.unshub.broker.persistence.BrokerStore;
import io.unshub.broker.persistence.Durability;
import io.unshub.broker.persistence.InMemoryBrokerStore;
import io.unshub.broker.persistence.RocksBrokerStore;
import io.unshub.broker.persistence.StoreBatch;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The cost of making one acknowledged QoS 1 message durable: each operation commits a batch holding one
 * queued message (256-byte payload) and waits for its future, as a PUBACK would. One caller shows the
 * latency of a lone publisher; eight callers show how much the durability modes share an fsync. The
 * in-memory store is the baseline: building the batch (encoding the message) and nothing else.
 *
 * <p>Average latency per acknowledged message = callers / throughput (each caller waits for its own
 * commit). The store lives in {@code java.io.tmpdir} (override with {@code -Dbench.store.dir=...}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class StoreBenchmark {

    public enum StoreMode {
        IN_MEMORY(null),
        SYNC_EACH(Durability.syncEach()),
        GROUP_COMMIT_2MS(Durability.groupCommit(2)),
        GROUP_COMMIT_0MS(Durability.groupCommit(0)),
        NO_SYNC(Durability.noSync());

        final Durability durability;

        StoreMode(Durability durability) {
            this.durability = durability;
        }
    }

    @Param({"IN_MEMORY", "SYNC_EACH", "GROUP_COMMIT_2MS", "GROUP_COMMIT_0MS", "NO_SYNC"})
    StoreMode mode;

    /** How the RocksDB store asks for the fsync; no meaning for IN_MEMORY and NO_SYNC. */
    @Param({"FLUSH_WAL", "SYNC_WRITE"})
    RocksBrokerStore.SyncMethod syncMethod;

    private BrokerStore store;
    private Path directory;
    private final AtomicInteger callers = new AtomicInteger();

    /** One publisher's subscriber session: its own client id and sequence. */
    @State(Scope.Thread)
    public static class Caller {
        String clientId;
        long sequence;
        UnsMessage message;

        @Setup
        public void setUp(StoreBenchmark benchmark) {
            clientId = "subscriber-" + benchmark.callers.incrementAndGet();
            byte[] payload = new byte[256];
            new SplittableRandom(clientId.hashCode()).nextBytes(payload);
            message = UnsMessage.of("acme/site1/area2/line3/cell4/_edge/device5/temperature", payload, 1, false,
                    MessageProperties.NONE, Origin.client("publisher"));
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        if (mode == StoreMode.IN_MEMORY) {
            store = new InMemoryBrokerStore();
            return;
        }
        Path parent = Path.of(System.getProperty("bench.store.dir", System.getProperty("java.io.tmpdir")));
        directory = Files.createTempDirectory(parent, "store-bench-");
        store = RocksBrokerStore.open(directory, new RocksBrokerStore.Options(mode.durability,
                RocksBrokerStore.Options.DEFAULT_QUEUE_CAPACITY, syncMethod));
        store.recover();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void appendAndWait(Caller caller) {
        StoreBatch batch = new StoreBatch().appendQueued(caller.clientId, caller.sequence++, caller.message, 1, false,
                null);
        store.commit(batch).join();
    }

    @Benchmark
    @Threads(1)
    public void oneCaller(Caller caller) {
        appendAndWait(caller);
    }

    @Benchmark
    @Threads(8)
    public void eightCallers(Caller caller) {
        appendAndWait(caller);
    }
}
