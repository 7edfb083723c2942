package io.unshub.opcua;

import com.fasterxml.jackson.databind.JsonNode;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.opcua.connection.ConnectionState;
import io.unshub.opcua.connection.ConnectionStatus;
import io.unshub.opcua.connection.OpcUaConnection;
import io.unshub.opcua.testing.BusRecorder;
import io.unshub.opcua.testing.SimulatedPlc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bridge against a real in-process Milo server and a real broker: values, types, deadband, failures, writes. */
class OpcUaBridgeIT extends BridgeITSupport {

    private static final String LOC = "acme/dallas/press/line1";
    private static final String NS = "nsu=" + SimulatedPlc.NAMESPACE + ";s=";
    private SimulatedPlc plc;

    @BeforeEach
    void startPlc() {
        plc = new SimulatedPlc().start();
    }

    @AfterEach
    void stopPlc() {
        plc.close();
    }

    private OpcUaConnection connection() {
        return bridge.connections().get(0);
    }

    private void awaitConnected() {
        await().atMost(Duration.ofSeconds(10)).until(() -> connection().state() == ConnectionState.connected);
    }

    @Test
    void configuredTagArrivesAsRetainedJsonWithUnitQualityAndStatus() throws Exception {
        startBridge(connection("plc1", plc.endpoint(), """
                nodes:
                  - nodeId: "%sLine1/Temperature"
                    tag: cell1/_edge/temperature
                    samplingIntervalMs: 10
                    unit: degC
                """.formatted(NS)));
        String topic = LOC + "/cell1/_edge/temperature";
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().retained().get(topic) != null);
        UnsMessage retained = broker.broker().retained().get(topic);
        assertThat(retained.origin()).isEqualTo(Origin.internal("opcua"));
        JsonNode value = BusRecorder.json(retained.payload());
        assertThat(value.get("value").doubleValue()).isEqualTo(20.0);
        assertThat(value.get("quality").asText()).isEqualTo("good");
        assertThat(value.get("status").asText()).isEqualTo("0x00000000");
        assertThat(value.get("datatype").asText()).isEqualTo("Double");
        assertThat(value.get("unit").asText()).isEqualTo("degC");
        assertThat(value.get("timestamp_ms").asLong()).isPositive();

        plc.set("Line1/Temperature", 21.5);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                BusRecorder.json(broker.broker().retained().get(topic).payload()).get("value").doubleValue() == 21.5);
        assertThat(connection().status().items()).isEqualTo(1);
        assertThat(recorder.values(LOC + "/_meta/opcua/plc1/state")).extracting(v -> v.get("state").asText())
                .contains("connected");
    }

    @Test
    void browseImportTurnsEveryBuiltInTypeIntoFaithfulJson() throws Exception {
        startBridge(connection("plc1", plc.endpoint(), """
                nodes:
                  - browse: { root: "%sTypes", depth: 2 }
                    tagPrefix: cell1/_edge/types
                """.formatted(NS)));
        String base = LOC + "/cell1/_edge/types/";
        await().atMost(Duration.ofSeconds(10)).until(() -> SimulatedPlc.TYPES.keySet().stream()
                .allMatch(name -> broker.broker().retained().get(base + name) != null));
        // 22 variables in batches of 7 items per call: created in four calls, all good.
        assertThat(connection().status().tags()).isEqualTo(SimulatedPlc.TYPES.size());
        assertThat(connection().status().items()).isEqualTo(SimulatedPlc.TYPES.size());

        String expected = """
                Boolean true Boolean
                SByte -8 SByte
                Byte 200 Byte
                Int16 -1600 Int16
                UInt16 65000 UInt16
                Int32 -32000000 Int32
                UInt32 4000000000 UInt32
                Int64 -9223372036854775808 Int64
                UInt64 18446744073709551615 UInt64
                Float 42.1 Float
                Double 3.141592653589793 Double
                String "Grüße \\"PLC\\"\\n" String
                DateTime "2026-11-22T10:15:30.123Z" DateTime
                Guid "72962b91-fa75-4ae6-8d28-b404dc7daf63" Guid
                ByteString "AQID/w==" ByteString
                XmlElement "<a>1</a>" XmlElement
                NodeId "ns=2;s=Line1/Temperature" NodeId
                StatusCode "0x80310000" StatusCode
                QualifiedName {"ns":2,"name":"Speed"} QualifiedName
                LocalizedText {"locale":"de","text":"Presse"} LocalizedText
                DoubleArray [1.5,-2.0] Double[]
                StringArray ["a","b"] String[]
                """;
        for (String line : expected.strip().split("\n")) {
            String name = line.substring(0, line.indexOf(' '));
            String datatype = line.substring(line.lastIndexOf(' ') + 1);
            String json = line.substring(name.length() + 1, line.lastIndexOf(' '));
            String payload = new String(broker.broker().retained().get(base + name).payload(), StandardCharsets.UTF_8);
            assertThat(payload).as(name).contains("\"value\":" + json + ",")
                    .contains("\"datatype\":\"" + datatype + "\"");
            assertThat(BusRecorder.json(payload.getBytes(StandardCharsets.UTF_8)).get("quality").asText())
                    .isEqualTo("good");
        }
    }

    @Test
    void absoluteAndPercentDeadbandsSuppressSmallChanges() throws Exception {
        startBridge(connection("plc1", plc.endpoint(), """
                nodes:
                  - nodeId: "%1$sLine1/Temperature"
                    tag: cell1/_edge/every
                    samplingIntervalMs: 5
                  - nodeId: "%1$sLine1/Temperature"
                    tag: cell1/_edge/absolute
                    samplingIntervalMs: 5
                    deadband: { type: absolute, value: 5 }
                  - nodeId: "%1$sLine1/Temperature"
                    tag: cell1/_edge/percent
                    samplingIntervalMs: 5
                    deadband: { type: percent, value: 10 }
                """.formatted(NS)));
        String every = LOC + "/cell1/_edge/every";
        awaitConnected();
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.values(LOC + "/cell1/_edge/percent").size() == 1);
        // Each step is seen by the item without deadband before the next one, so the others were offered it too.
        for (double v : new double[]{21, 24, 30, 38, 45}) {
            plc.set("Line1/Temperature", v);
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.values(every).stream()
                    .anyMatch(j -> j.get("value").doubleValue() == v));
        }
        // Absolute 5: 20 -> 30 (21, 24 within 5 of 20) -> 38 -> 45 (within 5 of 38? no: 7) ...
        assertThat(doubles(LOC + "/cell1/_edge/absolute")).containsExactly(20.0, 30.0, 38.0, 45.0);
        // Percent 10 of the EURange 0..200 = 20: 20 -> 45 (every step before stays within 20 of 20).
        await().atMost(Duration.ofSeconds(5)).until(() -> doubles(LOC + "/cell1/_edge/percent").size() == 2);
        assertThat(doubles(LOC + "/cell1/_edge/percent")).containsExactly(20.0, 45.0);
        assertThat(doubles(every)).containsExactly(20.0, 21.0, 24.0, 30.0, 38.0, 45.0);
    }

    private List<Double> doubles(String topic) {
        return recorder.values(topic).stream().map(j -> j.get("value").doubleValue()).toList();
    }

    @Test
    void failingItemsAreReportedWithoutFailingTheConnection() throws Exception {
        startBridge(connection("plc1", plc.endpoint(), """
                nodes:
                  - nodeId: "%1$sLine1/Running"
                    tag: cell1/_edge/running
                  - nodeId: "%1$sLine1/DoesNotExist"
                    tag: cell1/_edge/missing
                  - nodeId: "nsu=urn:nobody;s=X"
                    tag: cell1/_edge/unknown_namespace
                  - nodeId: "%1$sLine1/Recipe"
                    tag: cell1/_edge/recipe
                    deadband: { type: percent, value: 5 }
                """.formatted(NS)));
        awaitConnected();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().retained().get(LOC + "/cell1/_edge/running")
                != null);
        ConnectionStatus status = connection().status();
        assertThat(status.state()).isEqualTo(ConnectionState.connected);
        assertThat(status.tags()).isEqualTo(4);
        assertThat(status.items()).isEqualTo(1);
        assertThat(status.failures()).extracting(f -> f.topic().substring(LOC.length() + 1) + " " + f.reason())
                .anySatisfy(s -> assertThat(s).startsWith("cell1/_edge/missing Bad_NodeIdUnknown"))
                .anySatisfy(s -> assertThat(s).startsWith("cell1/_edge/unknown_namespace Bad_NodeIdUnknown"))
                .anySatisfy(s -> assertThat(s).startsWith("cell1/_edge/recipe Bad_"))
                .hasSize(3);
        assertThat(connection().failedItems()).isEqualTo(3);
    }

    @Test
    void serverOutageMarksTagsBadAtOnceAndValuesFlowAgainAfterRestartWithoutDuplicateItems() throws Exception {
        startBridge(connection("plc1", plc.endpoint(), """
                nodes:
                  - nodeId: "%1$sLine1/Temperature"
                    tag: cell1/_edge/temperature
                    samplingIntervalMs: 10
                  - browse: { root: "%1$sLine1", depth: 1 }
                    tagPrefix: cell1/_edge/line
                """.formatted(NS)));
        String temperature = LOC + "/cell1/_edge/temperature";
        String stateTopic = LOC + "/_meta/opcua/plc1/state";
        awaitConnected();
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.last(temperature) != null);
        int tags = connection().status().tags();
        assertThat(tags).isEqualTo(6);
        assertThat(plc.monitoredItems()).isEqualTo(tags);

        plc.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> connection().state() == ConnectionState.reconnecting);
        JsonNode bad = BusRecorder.json(broker.broker().retained().get(temperature).payload());
        assertThat(bad.get("quality").asText()).isEqualTo("bad");
        assertThat(bad.get("status").asText()).isEqualTo("0x80310000");
        assertThat(bad.get("value").doubleValue()).isEqualTo(20.0); // the last known value, marked bad
        for (UnsMessage m : broker.broker().retained().matching(LOC + "/cell1/_edge/line/#")) {
            assertThat(BusRecorder.json(m.payload()).get("quality").asText()).as(m.topic()).isEqualTo("bad");
        }
        assertThat(BusRecorder.json(broker.broker().retained().get(stateTopic).payload()).get("state").asText())
                .isEqualTo("reconnecting");

        recorder.clear();
        plc.start();
        plc.set("Line1/Temperature", 33.0);
        await().atMost(Duration.ofSeconds(10)).until(() -> connection().state() == ConnectionState.connected);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            JsonNode last = recorder.last(temperature);
            return last != null && last.get("value").doubleValue() == 33.0;
        });
        assertThat(recorder.last(temperature).get("quality").asText()).isEqualTo("good");
        assertThat(plc.monitoredItems()).isEqualTo(tags);
        assertThat(connection().status().reconnects()).isEqualTo(1);
        // One initial value per tag after the reconnect, not two: no item was created twice.
        assertThat(recorder.values(LOC + "/cell1/_edge/line/Recipe")).hasSize(1);
        assertThat(BusRecorder.json(broker.broker().retained().get(stateTopic).payload()).get("state").asText())
                .isEqualTo("connected");
    }

    @Test
    void serverDownAtStartIsRetriedUntilItComes() throws Exception {
        plc.stop();
        startBridge(connection("plc1", plc.endpoint(), """
                nodes:
                  - nodeId: "%sLine1/Running"
                    tag: cell1/_edge/running
                """.formatted(NS)));
        await().atMost(Duration.ofSeconds(5)).until(() -> connection().status().lastError() != null);
        assertThat(connection().state()).isEqualTo(ConnectionState.reconnecting);
        plc.start();
        awaitConnected();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().retained()
                .get(LOC + "/cell1/_edge/running") != null);
    }

    @Test
    void aPlcThatAcceptsButNeverAnswersDoesNotHoldUpAnotherConnection() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String yaml = connection("dead", "opc.tcp://127.0.0.1:" + silent.getLocalPort() + "/plc", "")
                    + connection("alive", plc.endpoint(), """
                    nodes:
                      - nodeId: "%sLine1/Running"
                        tag: cell1/_edge/running
                    """.formatted(NS)).replace("opcua:\n  connections:\n", "");
            startBridge(yaml);
            // The dead one's discovery waits for its 2 s request timeout; the live one is not queued behind it.
            await().atMost(Duration.ofMillis(1500)).until(() -> broker.broker().retained()
                    .get(LOC + "/cell1/_edge/running") != null);
            assertThat(bridge.connection("dead").orElseThrow().state()).isNotEqualTo(ConnectionState.connected);
            plc.set("Line1/Running", false);
            await().atMost(Duration.ofSeconds(2)).until(() -> !recorder.last(LOC + "/cell1/_edge/running")
                    .get("value").booleanValue());
        }
    }

    @Test
    void commandsWhileDisconnectedAreAnsweredNotConnected() throws Exception {
        startBridge(connection("plc1", plc.endpoint(), """
                writes:
                  - topic: %s/cell1/_cmd/setpoint
                    nodeId: "%sLine1/Setpoint"
                    dataType: Double
                """.formatted(LOC, NS)));
        awaitConnected();
        plc.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> connection().state() == ConnectionState.reconnecting);
        String cmd = LOC + "/cell1/_cmd/setpoint";
        broker.broker().bus().publish(UnsMessage.of(cmd, "1.0".getBytes(), 1, false, MessageProperties.NONE,
                Origin.client("mes")));
        await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.on(cmd + "/result").isEmpty());
        assertThat(recorder.last(cmd + "/result").get("status_name").asText()).isEqualTo("Bad_NotConnected");
    }

    @Test
    void commandsAreWrittenAndAnsweredAndRetainedOnesIgnored() throws Exception {
        startBridge(connection("plc1", plc.endpoint(), """
                writes:
                  - topic: %s/cell1/_cmd/setpoint
                    nodeId: "%sLine1/Setpoint"
                    dataType: Double
                    readBack: { enabled: true }
                """.formatted(LOC, NS)));
        awaitConnected();
        String cmd = LOC + "/cell1/_cmd/setpoint";
        var bus = broker.broker().bus();

        bus.publish(UnsMessage.of(cmd, "{\"value\":42.5,\"request_id\":\"r1\"}".getBytes(), 1, false,
                MessageProperties.NONE, Origin.client("mes")));
        await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.on(cmd + "/result").isEmpty());
        JsonNode ok = recorder.last(cmd + "/result");
        assertThat(ok.get("status").asText()).isEqualTo("0x00000000");
        assertThat(ok.get("status_name").asText()).isEqualTo("Good");
        assertThat(ok.get("request_id").asText()).isEqualTo("r1");
        assertThat(ok.get("read_back").asText()).isEqualTo("match");
        assertThat(plc.get("Line1/Setpoint")).isEqualTo(42.5);

        byte[] correlation = {9, 8, 7};
        bus.publish(UnsMessage.of(cmd, "\"fast\"".getBytes(), 1, false, new MessageProperties(false,
                MessageProperties.NO_EXPIRY, null, LOC + "/cell1/_cmd/replies", correlation, List.of()),
                Origin.client("mes")));
        await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.on(LOC + "/cell1/_cmd/replies").isEmpty());
        UnsMessage reply = recorder.on(LOC + "/cell1/_cmd/replies").get(0);
        assertThat(reply.properties().correlationData()).containsExactly(correlation);
        JsonNode refused = BusRecorder.json(reply.payload());
        assertThat(refused.get("status_name").asText()).isEqualTo("Bad_TypeMismatch");
        assertThat(refused.get("quality").asText()).isEqualTo("bad");
        assertThat(plc.get("Line1/Setpoint")).isEqualTo(42.5);

        bus.publish(UnsMessage.of(cmd, "{\"value\":7.0}".getBytes(), 1, true, MessageProperties.NONE,
                Origin.client("mes")));
        bus.publish(UnsMessage.of(cmd, "{\"value\":8.0}".getBytes(), 1, false, MessageProperties.NONE,
                Origin.client("mes")));
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.on(cmd + "/result").size() == 2);
        // The retained 7.0 was never written; the 8.0 after it was.
        assertThat(plc.get("Line1/Setpoint")).isEqualTo(8.0);
        assertThat(connection().status().writes()).isEqualTo(2);
        assertThat(connection().status().writeFailures()).isEqualTo(1);
    }
}
