package io.unshub.sparkplug.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.sparkplug.SparkplugMapping;
import io.unshub.sparkplug.codec.DecodeResult;
import io.unshub.sparkplug.codec.SparkplugDecoder;
import io.unshub.sparkplug.codec.SparkplugEncoder;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.SparkplugPayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-node state machine through the host's real dispatch, on a bus without the broker: seq wraparound, the
 * rebirth throttle, bdSeq and connection checks on NDEATH, unknown aliases, the passive role and STATE timestamps.
 */
class EdgeNodeStateMachineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SparkplugEncoder encoder = new SparkplugEncoder();
    private final TestBus bus = new TestBus();
    private final List<SparkplugHost> hosts = new ArrayList<>();

    @AfterEach
    void stop() {
        hosts.forEach(SparkplugHost::stop);
    }

    private SparkplugHost host(HostConfig config) {
        SparkplugHost host = new SparkplugHost(config, bus, () -> SparkplugMapping.DEFAULT, Clock.systemUTC());
        hosts.add(host);
        host.start();
        return host;
    }

    private static HostConfig config(long reorderMillis, long throttleMillis, boolean primary) {
        return new HostConfig("h1", primary, reorderMillis, true, true, true, false, throttleMillis, 1024, false, null);
    }

    private byte[] birth(long seq, long bdSeq, Metric... metrics) {
        List<Metric> all = new ArrayList<>(List.of(Metric.of("bdSeq", DataType.INT64, bdSeq),
                Metric.of("Node Control/Rebirth", DataType.BOOLEAN, false)));
        all.addAll(List.of(metrics));
        return encoder.encode(SparkplugPayload.of(System.currentTimeMillis(), seq, all));
    }

    private byte[] data(long seq, Metric... metrics) {
        return encoder.encode(SparkplugPayload.of(System.currentTimeMillis(), seq, List.of(metrics)));
    }

    private byte[] death(long bdSeq) {
        return encoder.encode(SparkplugPayload.of(System.currentTimeMillis(), List.of(Metric.of("bdSeq", DataType.INT64, bdSeq))));
    }

    private JsonNode value(String topic) {
        List<UnsMessage> on = bus.on(topic);
        if (on.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(on.getLast().payload());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private long rebirths(String group, String node) {
        SparkplugDecoder decoder = new SparkplugDecoder();
        return bus.on("spBv1.0/" + group + "/NCMD/" + node).stream()
                .map(m -> decoder.decode(m.payload()))
                .filter(r -> r instanceof DecodeResult.Decoded d
                        && d.payload().metric(SparkplugPayload.NODE_CONTROL_REBIRTH) != null)
                .count();
    }

    @Test
    @DisplayName("tck-id-payloads-sequence-num-incrementing: seq wraps from 255 to 0 without a gap; any NBIRTH seq is the baseline")
    void seqWrapsAround() {
        SparkplugHost host = host(config(0, 5000, true));
        bus.fromClient("e1", "spBv1.0/G/NBIRTH/E", birth(250, 1, Metric.of("N", DataType.INT32, 0)));
        for (int i = 1; i <= 9; i++) {
            bus.fromClient("e1", "spBv1.0/G/NDATA/E", data((250 + i) % 256, Metric.of("N", DataType.INT32, i)));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> value("G/E/_edge/N") != null
                && value("G/E/_edge/N").get("value").asInt() == 9);
        NodeView view = host.node("G", "E").orElseThrow();
        assertThat(view.lastSeq()).isEqualTo(3);
        assertThat(view.seqGaps()).isZero();
        assertThat(rebirths("G", "E")).isZero();
    }

    @Test
    @DisplayName("bdSeq and Node Control/* stay out of the namespace by default (in the node view all the same); Properties/* and process metrics are projected")
    void nodeControlMetricsAreNotProjectedByDefault() {
        SparkplugHost host = host(config(0, 5000, true));
        bus.fromClient("e1", "spBv1.0/G/NBIRTH/NC", birth(0, 4, Metric.of("Node Control/Scan Rate", DataType.INT64, 1000L),
                Metric.of("Properties/Hardware Make", DataType.STRING, "acme"), Metric.of("Speed", DataType.INT32, 5)));
        await().atMost(Duration.ofSeconds(5)).until(() -> value("G/NC/_edge/Speed") != null);
        assertThat(value("G/NC/_edge/Properties/Hardware Make").get("value").asText()).isEqualTo("acme");
        assertThat(bus.on("G/NC/_edge/bdSeq")).isEmpty();
        assertThat(bus.on("G/NC/_edge/Node Control/Rebirth")).isEmpty();
        assertThat(bus.on("G/NC/_edge/Node Control/Scan Rate")).isEmpty();
        assertThat(bus.on("G/NC/_meta/bdSeq")).isEmpty();
        NodeView view = host.node("G", "NC").orElseThrow();
        assertThat(view.metrics()).extracting(NodeView.MetricView::name)
                .contains("bdSeq", "Node Control/Rebirth", "Node Control/Scan Rate", "Speed");
        assertThat(view.metrics()).filteredOn(m -> m.name().equals("bdSeq")).singleElement()
                .satisfies(m -> assertThat(m.topic()).isNull());

        // The death still marks the process values stale, and publishes nothing for the protocol metrics.
        bus.fromClient("e1", "spBv1.0/G/NDEATH/NC", death(4));
        await().atMost(Duration.ofSeconds(5)).until(() -> "stale".equals(value("G/NC/_edge/Speed").get("quality").asText()));
        assertThat(bus.on("G/NC/_edge/bdSeq")).isEmpty();
    }

    @Test
    @DisplayName("uns.sparkplug.project-node-control=true projects bdSeq and Node Control/* like any metric")
    void nodeControlMetricsProjectedOnRequest() {
        HostConfig c = config(0, 5000, true);
        host(new HostConfig(c.hostId(), c.primary(), c.reorderTimeoutMillis(), c.rebirthOnGap(), c.rebirthOnUnknownMetric(),
                c.rebirthOnDataBeforeBirth(), c.rebirthOnMalformed(), c.rebirthThrottleMillis(), c.queueCapacity(),
                c.commandByName(), null, true));
        bus.fromClient("e1", "spBv1.0/G/NBIRTH/NP", birth(0, 9, Metric.of("Speed", DataType.INT32, 5)));
        await().atMost(Duration.ofSeconds(5)).until(() -> value("G/NP/_edge/Speed") != null);
        assertThat(value("G/NP/_edge/bdSeq").get("value").asLong()).isEqualTo(9);
        assertThat(value("G/NP/_edge/Node Control/Rebirth").get("value").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("No rebirth storms: a node that keeps skipping seq numbers gets one request per throttle window")
    void rebirthsAreThrottledPerNode() {
        SparkplugHost host = host(config(0, 60_000, true));
        bus.fromClient("e1", "spBv1.0/G/NBIRTH/E", birth(0, 1, Metric.of("N", DataType.INT32, 0)));
        for (int i = 1; i <= 20; i++) {
            bus.fromClient("e1", "spBv1.0/G/NDATA/E", data(i * 2 % 256, Metric.of("N", DataType.INT32, i)));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> host.node("G", "E").orElseThrow().seqGaps() == 20);
        assertThat(rebirths("G", "E")).isEqualTo(1);
        assertThat(host.counters().rebirthsThrottled()).isEqualTo(19);
        // A second node has its own throttle.
        bus.fromClient("e2", "spBv1.0/G/NDATA/F", data(5, Metric.of("N", DataType.INT32, 1)));
        await().atMost(Duration.ofSeconds(5)).until(() -> rebirths("G", "F") == 1);
    }

    @Test
    @DisplayName("NDEATH applies only with the birth's bdSeq and from the birth's connection; a duplicate NDEATH is ignored")
    void ndeathIsCheckedAgainstTheBirth() {
        SparkplugHost host = host(config(0, 5000, true));
        bus.fromClient("e1", "spBv1.0/G/NBIRTH/E", birth(0, 5, Metric.of("N", DataType.INT32, 7)));
        bus.willOf("e1", "spBv1.0/G/NDEATH/E", death(4));
        bus.willOf("e0", "spBv1.0/G/NDEATH/E", death(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> host.counters().staleDeathsIgnored() == 2);
        assertThat(host.node("G", "E").orElseThrow().status()).isEqualTo(NodeStatus.ONLINE);

        bus.willOf("e1", "spBv1.0/G/NDEATH/E", death(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> host.node("G", "E").orElseThrow().status() == NodeStatus.OFFLINE);
        assertThat(value("G/E/_edge/N").get("quality").asText()).isEqualTo("stale");
        assertThat(value("G/E/_edge/N").get("value").asInt()).isEqualTo(7);

        bus.fromClient("e1", "spBv1.0/G/NDEATH/E", death(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> host.counters().staleDeathsIgnored() == 3);
    }

    @Test
    @DisplayName("An alias the birth did not declare requests a rebirth; known aliases are typed from the birth")
    void unknownAliasRequestsRebirth() {
        SparkplugHost host = host(config(0, 5000, true));
        bus.fromClient("e1", "spBv1.0/G/NBIRTH/E", birth(0, 1, Metric.of("T", DataType.UINT16, 1).withAlias(3L)));
        bus.fromClient("e1", "spBv1.0/G/NDATA/E", data(1, Metric.ofAlias(3, DataType.UINT16, 65_000).withValue(null,
                new io.unshub.sparkplug.model.UntypedValue(io.unshub.sparkplug.model.UntypedValue.Field.INT, 65_000))));
        bus.fromClient("e1", "spBv1.0/G/NDATA/E", data(2, Metric.ofAlias(9, DataType.INT32, 1)));
        await().atMost(Duration.ofSeconds(5)).until(() -> rebirths("G", "E") == 1);
        assertThat(value("G/E/_edge/T").get("value").asInt()).isEqualTo(65_000);
        assertThat(host.counters().unknownMetrics()).isEqualTo(1);
        assertThat(host.node("G", "E").orElseThrow().rebirthReasons().getFirst().reason()).contains("alias 9");
    }

    @Test
    @DisplayName("A passive host publishes no STATE and sends no automatic rebirths, but still projects")
    void passiveHostOnlyProjects() {
        SparkplugHost host = host(config(0, 5000, false));
        bus.fromClient("e1", "spBv1.0/G/NDATA/E", data(3, Metric.of("N", DataType.INT32, 1)));
        bus.fromClient("e1", "spBv1.0/G/NBIRTH/E", birth(0, 1, Metric.of("N", DataType.INT32, 2)));
        await().atMost(Duration.ofSeconds(5)).until(() -> value("G/E/_edge/N") != null);
        assertThat(bus.on("spBv1.0/STATE/h1")).isEmpty();
        assertThat(rebirths("G", "E")).isZero();
        assertThat(host.requestRebirth("G", "E").join()).as("an operator may still ask").isTrue();
    }

    @Test
    @DisplayName("tck-id-host-topic-phid-birth-payload, P15: the STATE timestamp never goes backwards across restarts; stop publishes offline")
    void stateTimestampMovesForward(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state-timestamp");
        long future = System.currentTimeMillis() + 3_600_000;
        Files.writeString(file, Long.toString(future));
        HostConfig c = new HostConfig("h1", true, 0, true, true, true, false, 5000, 1024, false, file);
        SparkplugHost host = host(c);
        UnsMessage birth = bus.on("spBv1.0/STATE/h1").getFirst();
        assertThat(birth.retain()).isTrue();
        assertThat(birth.qos()).isEqualTo(1);
        assertThat(new String(birth.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"online\":true,\"timestamp\":" + (future + 1) + "}");
        host.stop();
        JsonNode death = JSON.readTree(bus.on("spBv1.0/STATE/h1").getLast().payload());
        assertThat(death.get("online").asBoolean()).isFalse();
        assertThat(death.get("timestamp").asLong()).isGreaterThanOrEqualTo(future + 1);
    }

    @Test
    @DisplayName("Digest §4.4: values the projection left in the retained store before a restart start stale")
    void restoredValuesStartStale() throws IOException {
        SparkplugHost host = new SparkplugHost(config(0, 5000, true), bus, () -> SparkplugMapping.DEFAULT, Clock.systemUTC());
        hosts.add(host);
        byte[] good = "{\"value\":1,\"timestamp_ms\":100,\"quality\":\"good\",\"datatype\":\"Int32\"}"
                .getBytes(StandardCharsets.UTF_8);
        List<UnsMessage> restored = List.of(
                UnsMessage.of("G/E/_edge/N", good, 1, true, null, io.unshub.sparkplug.mapping.UnsProjector.ORIGIN),
                UnsMessage.of("G/E/_meta/N", "{\"datatype\":\"Int32\"}".getBytes(StandardCharsets.UTF_8), 1, true, null,
                        io.unshub.sparkplug.mapping.UnsProjector.ORIGIN),
                UnsMessage.of("other/_edge/x", good, 1, true, null, io.unshub.core.message.Origin.client("plc")));
        assertThat(host.markRestoredValuesStale(restored)).isEqualTo(1);
        JsonNode stale = value("G/E/_edge/N");
        assertThat(stale.get("quality").asText()).isEqualTo("stale");
        assertThat(stale.get("value").asInt()).isEqualTo(1);
        assertThat(stale.get("value_timestamp_ms").asLong()).isEqualTo(100);
        assertThat(stale.get("timestamp_ms").asLong()).isGreaterThan(100);
        assertThat(bus.on("other/_edge/x")).isEmpty();
        assertThat(bus.on("G/E/_meta/N")).isEmpty();
    }

    @Test
    void theCommandClassCountsAtItsFirstLevelOnly() {
        assertThat(SparkplugHost.firstLevelOf("g/n/_cmd/d/m", "_cmd")).isEqualTo(2);
        assertThat(SparkplugHost.firstLevelOf("g/n/_cmd/x/_cmd/m", "_cmd")).isEqualTo(2);
        assertThat(SparkplugHost.firstLevelOf("g/n/_cmdx/m", "_cmd")).isEqualTo(-1);
        assertThat(SparkplugHost.firstLevelOf("_cmd", "_cmd")).isZero();
    }

    @Test
    @DisplayName("A DATA value whose wire field cannot carry the birth's datatype is counted as malformed; the other metrics apply")
    void aMistypedMetricDoesNotSpoilTheMessage() {
        SparkplugHost host = host(config(0, 5000, true));
        bus.fromClient("e1", "spBv1.0/G/NBIRTH/E", birth(0, 1, Metric.of("A", DataType.INT32, 1), Metric.of("B", DataType.INT32, 1)));
        io.unshub.sparkplug.model.UntypedValue text = new io.unshub.sparkplug.model.UntypedValue(
                io.unshub.sparkplug.model.UntypedValue.Field.STRING, "oops");
        bus.fromClient("e1", "spBv1.0/G/NDATA/E", data(1, new Metric("A", null, null, null, text, false, false, false,
                io.unshub.sparkplug.model.PropertySet.EMPTY, null), Metric.of("B", DataType.INT32, 2)));
        await().atMost(Duration.ofSeconds(5)).until(() -> value("G/E/_edge/B") != null && value("G/E/_edge/B").get("value").asInt() == 2);
        assertThat(host.node("G", "E").orElseThrow().decodeErrors()).isEqualTo(1);
        assertThat(value("G/E/_edge/A").get("value").asInt()).isEqualTo(1);
    }
}
