package io.unshub.sparkplug.host;

import io.unshub.bench.jmh.AliasedMetricSet;
import io.unshub.core.bus.BusSubscription;
import io.unshub.core.bus.MessageHandler;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.log.RateLimitedLog;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.sparkplug.SparkplugMapping;
import io.unshub.sparkplug.codec.SparkplugDecoder;
import io.unshub.sparkplug.codec.SparkplugEncoder;
import io.unshub.sparkplug.command.CommandIndex;
import io.unshub.sparkplug.mapping.UnsProjector;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.SparkplugPayload;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * The host's per-message work for Sparkplug data on one thread: an alias-only DDATA of 100 metrics without
 * datatypes (what Tahu edges send) through the real {@link EdgeNode} state machine (seq check, decode typed
 * through the DBIRTH's alias table, last values, quality) and the real {@link UnsProjector} (default mapping,
 * topic validation, one UNS JSON document per metric), published into a bus that only counts. The broker's routing
 * and delivery are not part of it (the scenario in {@code SparkplugScenario} measures those). Scores are metrics
 * per second ({@code OperationsPerInvocation}).
 *
 * <p>In this package because the state machine is package-private; the benchmark calls {@code onMessage} directly
 * on its own thread, where the host would call it on the node's serial queue.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class SparkplugProjectionBenchmark {

    private static final int METRICS = 100;
    private static final String GROUP = "Plant1";
    private static final String NODE = "Edge1";
    private static final String DEVICE = "PLC1";

    /** Accepts everything and counts, so the projection's cost is measured without the broker's routing. */
    static final class CountingBus implements UnsBus {
        long published;

        @Override
        public PublishOutcome publish(UnsMessage message) {
            published++;
            return PublishOutcome.Routed.of(0);
        }

        @Override
        public BusSubscription subscribe(SubscriberSpec spec, MessageHandler handler) {
            throw new UnsupportedOperationException("benchmark bus");
        }
    }

    private final Origin edge = Origin.client("edge-1");
    private final String dataTopic = "spBv1.0/" + GROUP + "/DDATA/" + NODE + "/" + DEVICE;
    private final byte[][] dataBySeq = new byte[256][];
    private CountingBus bus;
    private EdgeNode node;
    private int seq;

    @Setup(Level.Trial)
    public void birth() {
        long now = 1_732_000_000_000L;
        AliasedMetricSet metrics = AliasedMetricSet.of(METRICS, now);
        SparkplugEncoder encoder = new SparkplugEncoder();
        for (int s = 0; s < 256; s++) {
            dataBySeq[s] = encoder.encode(SparkplugPayload.of(now + 100, s, metrics.data()));
        }
        bus = new CountingBus();
        HostConfig config = HostConfig.defaults("bench");
        HostServices services = new HostServices(config, new SparkplugDecoder(),
                new UnsProjector(bus, () -> SparkplugMapping.DEFAULT), new CommandIndex(), new HostCounters(), null,
                Clock.systemUTC(), RateLimitedLog.standard(LoggerFactory.getLogger(EdgeNode.class)), key -> false);
        node = new EdgeNode(new NodeKey(GROUP, NODE), null, services);
        node.onMessage("NBIRTH", "", message("spBv1.0/" + GROUP + "/NBIRTH/" + NODE,
                encoder.encode(SparkplugPayload.of(now, 0, List.of(Metric.of("bdSeq", DataType.INT64, 0L)))), edge));
        node.onMessage("DBIRTH", DEVICE, message("spBv1.0/" + GROUP + "/DBIRTH/" + NODE + "/" + DEVICE,
                encoder.encode(SparkplugPayload.of(now, 1, metrics.birth())), edge));
        seq = 1;
    }

    private static UnsMessage message(String topic, byte[] payload, Origin origin) {
        return UnsMessage.of(topic, payload, 0, false, MessageProperties.NONE, origin);
    }

    @Benchmark
    @OperationsPerInvocation(METRICS)
    public long aliasOnlyDdataToUnsJson() {
        seq = (seq + 1) & 0xFF;
        node.onMessage("DDATA", DEVICE, message(dataTopic, dataBySeq[seq], edge));
        return bus.published;
    }

    @TearDown(Level.Trial)
    public void check() {
        // A gap, an unknown alias or a decode error would make the score meaningless: fail loudly instead.
        NodeCounters c = node.counters();
        if (c.seqGaps() != 0 || c.unknownMetrics() != 0 || c.decodeErrors() != 0 || bus.published < METRICS) {
            throw new IllegalStateException("benchmark path not clean: gaps " + c.seqGaps() + ", unknown "
                    + c.unknownMetrics() + ", decode errors " + c.decodeErrors() + ", published " + bus.published);
        }
    }
}
