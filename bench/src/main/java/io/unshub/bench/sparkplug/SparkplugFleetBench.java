package io.unshub.bench.sparkplug;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.unshub.bench.load.ProcStats;
import io.unshub.sparkplug.codec.SparkplugEncoder;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.SparkplugPayload;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A fleet of Sparkplug B edge nodes publishing through the hub to one UNS subscriber: {@code --nodes} edge nodes
 * (MQTT 3.1.1 clients with their NDEATH will) each born with {@code --metrics} aliased metrics, then sending an NDATA
 * with every metric changed at {@code --rate} Hz, staggered evenly over the period. The subscriber takes the hub's
 * projected UNS JSON values ({@code <group>/#}; only the metric values are counted, not {@code _meta}). Every fourth metric is an Int64 whose value is the send time
 * ({@link System#nanoTime()} of this process), so its projected value gives the end-to-end latency: NDATA handed to
 * the client, decoded by the host, projected, routed, delivered. With {@code --hub-pid} the hub's CPU is read from
 * /proc over the measured phase. See bench/README.md.
 */
public final class SparkplugFleetBench {

    private static final String GROUP = "fleet";
    private static final int CLOCK_EVERY = 4;
    private static final byte[] VALUE_KEY = "\"value\":".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private final int nodes;
    private final int metrics;
    private final int rate;
    private final int subscriberQos;
    private final SparkplugEncoder encoder = new SparkplugEncoder();
    private final Recorder latency = new Recorder(3);
    private final LongAdder delivered = new LongAdder();
    private final LongAdder rebirthRequests = new LongAdder();
    private final AtomicLong sentMessages = new AtomicLong();

    private SparkplugFleetBench(String host, int port, int nodes, int metrics, int rate, int subscriberQos) {
        this.host = host;
        this.port = port;
        this.nodes = nodes;
        this.metrics = metrics;
        this.rate = rate;
        this.subscriberQos = subscriberQos;
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 1883;
        int nodes = 100;
        int metrics = 100;
        int rate = 10;
        int warmup = 20;
        int duration = 30;
        int subscriberQos = 0;
        long hubPid = -1;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
                case "--metrics" -> metrics = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--duration" -> duration = Integer.parseInt(args[i + 1]);
                case "--subscriber-qos" -> subscriberQos = Integer.parseInt(args[i + 1]);
                case "--hub-pid" -> hubPid = Long.parseLong(args[i + 1]);
                default -> {
                    System.err.println("usage: SparkplugFleetBench [--host h] [--port p] [--nodes n] [--metrics m]"
                            + " [--rate hz] [--warmup s] [--duration s] [--subscriber-qos 0|1] [--hub-pid pid]");
                    System.exit(2);
                }
            }
        }
        new SparkplugFleetBench(host, port, nodes, metrics, rate, subscriberQos)
                .run(TimeUnit.SECONDS.toNanos(warmup), TimeUnit.SECONDS.toNanos(duration), hubPid);
    }

    private void run(long warmupNanos, long durationNanos, long hubPid) throws Exception {
        Mqtt5AsyncClient subscriber = Mqtt5Client.builder().identifier("fleet-subscriber").serverHost(host)
                .serverPort(port).buildAsync();
        subscriber.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
        subscriber.subscribeWith().topicFilter(GROUP + "/#").qos(MqttQos.fromCode(subscriberQos))
                .callback(this::onUnsValue).send().get(10, TimeUnit.SECONDS);

        List<EdgeNode> fleet = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            EdgeNode node = new EdgeNode(String.format("node%03d", n));
            node.connectAndBirth();
            fleet.add(node);
        }
        // Births project every metric once; wait for them so the measured phase holds only data.
        long birthValues = (long) nodes * metrics;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (delivered.sum() < birthValues && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // polling a counter, not timing anything
        }
        System.out.printf("%d nodes born, %,d of %,d birth values projected%n", nodes, delivered.sum(), birthValues);

        ProcStats hub = hubPid > 0 ? new ProcStats(hubPid, ProcStats.clockTicksPerSecond()) : null;
        long periodNanos = 1_000_000_000L / rate;
        long slotNanos = periodNanos / nodes;
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long measureTo = measureFrom + durationNanos;
        boolean measuring = false;
        double hubCpuAtStart = 0;
        long deliveredAtStart = 0;
        long sentAtStart = 0;
        for (long slot = 0; ; slot++) {
            long sendAt = start + slot * slotNanos;
            long now = System.nanoTime();
            if (!measuring && now >= measureFrom) {
                latency.getIntervalHistogram(); // forget the warm-up
                deliveredAtStart = delivered.sum();
                sentAtStart = sentMessages.get();
                hubCpuAtStart = hub == null ? 0 : hub.cpuSeconds();
                measuring = true;
            }
            if (now >= measureTo) {
                break;
            }
            if (sendAt > now) {
                LockSupport.parkNanos(sendAt - now);
            }
            fleet.get((int) (slot % nodes)).sendData();
        }
        long measuredNanos = System.nanoTime() - measureFrom;
        double hubCpu = hub == null ? Double.NaN : hub.cpuSeconds() - hubCpuAtStart;
        long deliveredInPhase = delivered.sum() - deliveredAtStart;
        long sentInPhase = sentMessages.get() - sentAtStart;
        Histogram histogram = latency.getIntervalHistogram();

        // Drain: everything sent must arrive.
        long expectedTotal = birthValues + sentMessages.get() * metrics;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.sum() < expectedTotal && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // polling a counter, not timing anything
        }
        long missing = expectedTotal - delivered.sum();
        for (EdgeNode node : fleet) {
            node.disconnect();
        }
        subscriber.disconnect().get(10, TimeUnit.SECONDS);

        double seconds = measuredNanos / 1e9;
        System.out.printf("measured %.1f s: %,d NDATA sent (%,.0f/s), %,d UNS values delivered (%,.0f/s), %,d latency samples%n",
                seconds, sentInPhase, sentInPhase / seconds, deliveredInPhase, deliveredInPhase / seconds,
                histogram.getTotalCount());
        System.out.printf("latency us: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f%n",
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(90) / 1e3,
                histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
                histogram.getMaxValue() / 1e3);
        System.out.printf("hub CPU: %.1f%% of one core, %.2f us per projected metric%n",
                100 * hubCpu / seconds, hubCpu * 1e6 / deliveredInPhase);
        System.out.printf("missing after drain: %,d, rebirth requests: %d%n", missing, rebirthRequests.sum());
        System.out.printf("RESULT,sparkplug-fleet,%d,%d,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.1f,%.3f,%d,%d%n", nodes,
                metrics, rate, deliveredInPhase / seconds, histogram.getValueAtPercentile(50) / 1e3,
                histogram.getValueAtPercentile(90) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3, 100 * hubCpu / seconds,
                hubCpu * 1e6 / deliveredInPhase, missing, rebirthRequests.sum());
    }

    /** Subscriber callback (the client's thread): counts values and reads the send time out of clock metrics. */
    private void onUnsValue(Mqtt5Publish publish) {
        String topic = publish.getTopic().toString();
        if (!topic.contains("/line") || topic.contains("/_meta")) {
            return; // births also publish metadata, and bdSeq and Node Control may be projected
        }
        delivered.increment();
        if (!topic.contains("/clock")) {
            return;
        }
        ByteBuffer payload = publish.getPayload().orElse(null);
        long sentNanos = payload == null ? -1 : valueOf(payload);
        if (sentNanos > 0) {
            latency.recordValue(Math.max(0, System.nanoTime() - sentNanos));
        }
    }

    /** The integer after {@code "value":} in a UNS JSON document, or -1 (births carry the birth's value too). */
    private static long valueOf(ByteBuffer json) {
        byte[] key = VALUE_KEY;
        int limit = json.limit();
        outer:
        for (int i = json.position(); i + key.length < limit; i++) {
            for (int k = 0; k < key.length; k++) {
                if (json.get(i + k) != key[k]) {
                    continue outer;
                }
            }
            long value = 0;
            int p = i + key.length;
            if (p >= limit || json.get(p) < '0' || json.get(p) > '9') {
                return -1;
            }
            while (p < limit && json.get(p) >= '0' && json.get(p) <= '9') {
                value = value * 10 + (json.get(p++) - '0');
            }
            return value;
        }
        return -1;
    }

    /** One simulated edge node; only the pacing thread sends, MQTT callbacks only count rebirth requests. */
    private final class EdgeNode {

        private final String nodeId;
        private final Mqtt5AsyncClient client;
        private final String dataTopic;
        private final String birthTopic;
        private long bdSeq;
        private long seq;
        private long step;

        EdgeNode(String nodeId) {
            this.nodeId = nodeId;
            this.dataTopic = "spBv1.0/" + GROUP + "/NDATA/" + nodeId;
            this.birthTopic = "spBv1.0/" + GROUP + "/NBIRTH/" + nodeId;
            this.client = Mqtt5Client.builder().identifier("fleet-" + nodeId).serverHost(host).serverPort(port)
                    .buildAsync();
        }

        void connectAndBirth() throws Exception {
            byte[] will = encoder.encode(SparkplugPayload.of(System.currentTimeMillis(),
                    List.of(Metric.of(SparkplugPayload.BD_SEQ, DataType.INT64, bdSeq))));
            client.connectWith().cleanStart(true).willPublish().topic("spBv1.0/" + GROUP + "/NDEATH/" + nodeId)
                    .qos(MqttQos.AT_LEAST_ONCE).payload(will).applyWillPublish().send().get(10, TimeUnit.SECONDS);
            client.subscribeWith().topicFilter("spBv1.0/" + GROUP + "/NCMD/" + nodeId).qos(MqttQos.AT_MOST_ONCE)
                    .callback(command -> rebirthRequests.increment()).send().get(10, TimeUnit.SECONDS);
            List<Metric> born = new ArrayList<>(metrics + 2);
            born.add(Metric.of(SparkplugPayload.BD_SEQ, DataType.INT64, bdSeq));
            born.add(Metric.of(SparkplugPayload.NODE_CONTROL_REBIRTH, DataType.BOOLEAN, false));
            long now = System.currentTimeMillis();
            for (int m = 0; m < metrics; m++) {
                born.add(Metric.of(name(m), type(m), value(m, 0, 0)).withAlias((long) m).withTimestamp(now));
            }
            seq = 0;
            publish(birthTopic, SparkplugPayload.of(now, seq, born)).get(10, TimeUnit.SECONDS);
        }

        void sendData() {
            step++;
            long sentNanos = System.nanoTime();
            long now = System.currentTimeMillis();
            List<Metric> changed = new ArrayList<>(metrics);
            for (int m = 0; m < metrics; m++) {
                changed.add(Metric.ofAlias(m, type(m), value(m, step, sentNanos)).withTimestamp(now));
            }
            seq = (seq + 1) & 0xFF;
            publish(dataTopic, SparkplugPayload.of(now, seq, changed));
            sentMessages.incrementAndGet();
        }

        private CompletableFuture<?> publish(String topic, SparkplugPayload payload) {
            return client.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(encoder.encode(payload)).send();
        }

        void disconnect() throws Exception {
            client.disconnect().get(10, TimeUnit.SECONDS);
        }
    }

    private static String name(int metric) {
        return metric % CLOCK_EVERY == 0 ? "line" + metric / 20 + "/clock" + metric : "line" + metric / 20 + "/tag" + metric;
    }

    private static DataType type(int metric) {
        return switch (metric % CLOCK_EVERY) {
            case 0 -> DataType.INT64;
            case 1 -> DataType.DOUBLE;
            case 2 -> DataType.FLOAT;
            default -> DataType.BOOLEAN;
        };
    }

    private static Object value(int metric, long step, long sentNanos) {
        return switch (metric % CLOCK_EVERY) {
            case 0 -> sentNanos;
            case 1 -> 20.0 + (step % 100) / 10.0 + metric;
            case 2 -> (float) (step % 50) * 0.5f;
            default -> (step + metric) % 2 == 0;
        };
    }
}
