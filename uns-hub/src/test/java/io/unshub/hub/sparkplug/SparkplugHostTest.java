package io.unshub.hub.sparkplug;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.quarkus.test.junit.QuarkusTest;
import io.unshub.broker.Broker;
import io.unshub.core.message.UnsMessage;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.PropertySet;
import org.eclipse.tahu.message.model.PropertyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * The embedded Sparkplug host against real edge nodes: Eclipse Tahu's encoder over MQTT 3.1.1 connections to the
 * hub's broker, the projection checked in the broker's retained store (what every UNS subscriber gets), commands
 * received by the edge, births read back from the Sparkplug Aware store by an MQTT client, and the REST API.
 * Each test uses its own group id, so they share the running hub without seeing each other.
 */
@QuarkusTest
class SparkplugHostTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Broker broker;

    private final HubClients clients = new HubClients(() -> broker.tcpPort());

    @AfterEach
    void closeAll() {
        clients.closeAll();
    }

    private TahuEdge edge(String clientId, String group, String node, long bdSeq) throws Exception {
        return clients.edge(clientId, group, node, bdSeq);
    }

    private JsonNode retained(String topic) {
        UnsMessage m = broker.retained().get(topic);
        if (m == null) {
            return null;
        }
        try {
            return JSON.readTree(m.payload());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode awaitRetained(String topic, java.util.function.Predicate<JsonNode> condition) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> retained(topic), v -> v != null && condition.test(v));
    }

    private static Metric withUnit(Metric m, String unit) throws Exception {
        m.setProperties(new PropertySet.PropertySetBuilder()
                .addProperty("engUnit", new PropertyValue<>(PropertyDataType.String, unit)).createPropertySet());
        return m;
    }

    @Test
    @DisplayName("tck-id-host-topic-phid-birth-qos, -retain, -payload: the STATE birth is retained, QoS 1, exactly online+timestamp")
    void stateBirthIsRetained() throws Exception {
        MqttClient c = clients.paho311("state-reader");
        Map<String, MqttMessage> got = new ConcurrentHashMap<>();
        c.subscribe("spBv1.0/STATE/uns-hub", 1, (topic, message) -> got.put(topic, message));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.containsKey("spBv1.0/STATE/uns-hub"));
        MqttMessage state = got.get("spBv1.0/STATE/uns-hub");
        c.disconnect();

        assertThat(state.isRetained()).isTrue();
        assertThat(state.getQos()).isEqualTo(1);
        JsonNode json = JSON.readTree(state.getPayload());
        assertThat(json.size()).isEqualTo(2);
        assertThat(json.get("online").asBoolean()).isTrue();
        assertThat(json.get("timestamp").isIntegralNumber()).isTrue();
        assertThat(json.get("timestamp").asLong()).isLessThanOrEqualTo(System.currentTimeMillis());
    }

    @Test
    @DisplayName("tck-id-message-flow-hid-sparkplug-state-message-delivered: an offline STATE published for the host is answered with online")
    void offlineStateForUsIsReasserted() throws Exception {
        long ts = retained("spBv1.0/STATE/uns-hub").get("timestamp").asLong();
        MqttClient c = clients.paho311("state-forger");
        c.publish("spBv1.0/STATE/uns-hub", ("{\"online\":false,\"timestamp\":" + ts + "}").getBytes(StandardCharsets.UTF_8), 1, true);
        c.disconnect();
        JsonNode state = awaitRetained("spBv1.0/STATE/uns-hub", j -> j.get("online").asBoolean());
        assertThat(state.get("timestamp").asLong()).isEqualTo(ts);
    }

    @Test
    @DisplayName("Birth, then data: every metric becomes a retained UNS value with datatype, unit and quality; _meta describes it")
    void birthAndDataAreProjected() throws Exception {
        TahuEdge e = edge("edge-ga", "GA", "E1", 0);
        e.nbirth(withUnit(TahuEdge.metric("Supply Voltage", MetricDataType.Float, 12.5f), "V"));
        e.next("DBIRTH", "D1", TahuEdge.aliased("Temp", 5, MetricDataType.Double, 21.5),
                TahuEdge.aliased("Count", 6, MetricDataType.Int8, (byte) -3));

        JsonNode voltage = awaitRetained("GA/E1/_edge/Supply Voltage", j -> j.has("value"));
        assertThat(voltage.get("value").asDouble()).isEqualTo(12.5);
        assertThat(voltage.get("datatype").asText()).isEqualTo("Float");
        assertThat(voltage.get("unit").asText()).isEqualTo("V");
        assertThat(voltage.get("quality").asText()).isEqualTo("good");
        assertThat(voltage.get("timestamp_ms").isIntegralNumber()).isTrue();
        JsonNode count = awaitRetained("GA/E1/_edge/D1/Count", j -> j.has("value"));
        assertThat(count.get("value").asInt()).isEqualTo(-3);
        JsonNode meta = awaitRetained("GA/E1/_meta/D1/Temp", j -> j.has("datatype"));
        assertThat(meta.get("datatype").asText()).isEqualTo("Double");
        assertThat(meta.get("alias").asText()).isEqualTo("5");
        assertThat(meta.get("device").asText()).isEqualTo("D1");

        // DDATA by alias with the datatypes stripped: the host types it from the DBIRTH.
        e.next("DDATA", "D1", TahuEdge.byAlias(5, MetricDataType.Double, 23.25), TahuEdge.byAlias(6, MetricDataType.Int8, (byte) -100));
        awaitRetained("GA/E1/_edge/D1/Temp", j -> j.get("value").asDouble() == 23.25);
        awaitRetained("GA/E1/_edge/D1/Count", j -> j.get("value").asInt() == -100);
    }

    @Test
    @DisplayName("tck-id-conformance-mqtt-aware-nbirth-mqtt-topic, -retain, -dbirth-mqtt-topic, -retain: births stored byte for byte under $sparkplug/certificates")
    void birthsAreStoredForAwareClients() throws Exception {
        TahuEdge e = edge("edge-gb", "GB", "E1", 0);
        e.nbirth(TahuEdge.metric("Up", MetricDataType.Boolean, true));
        e.next("DBIRTH", "D1", TahuEdge.metric("Level", MetricDataType.Int32, 5));
        awaitRetained("GB/E1/_edge/D1/Level", j -> j.has("value"));

        // A late MQTT 3.1.1 client learns the births from the retained certificates.
        MqttClient c = clients.paho311("aware-reader");
        Map<String, MqttMessage> got = new ConcurrentHashMap<>();
        c.subscribe("$sparkplug/certificates/spBv1.0/GB/#", 1, (topic, message) -> got.put(topic, message));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        c.disconnect();
        MqttMessage nbirth = got.get("$sparkplug/certificates/spBv1.0/GB/NBIRTH/E1");
        MqttMessage dbirth = got.get("$sparkplug/certificates/spBv1.0/GB/DBIRTH/E1/D1");
        assertThat(nbirth.isRetained()).isTrue();
        assertThat(dbirth.isRetained()).isTrue();
        org.eclipse.tahu.message.model.SparkplugBPayload decoded =
                new org.eclipse.tahu.message.SparkplugBPayloadDecoder().buildFromByteArray(dbirth.getPayload(), null);
        assertThat(decoded.getMetrics()).extracting(Metric::getName).containsExactly("Level");
        assertThat(decoded.getSeq()).isEqualTo(1L);
    }

    @Test
    @DisplayName("Digest §5.2: clients cannot forge certificates under $sparkplug/ (0x87, nothing retained)")
    void clientsCannotWriteCertificates() {
        Mqtt5BlockingClient forger = clients.v5("cert-forger");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> forger.publishWith()
                        .topic("$sparkplug/certificates/spBv1.0/GZ/NBIRTH/E1")
                        .payload(new byte[] {1, 2, 3}).retain(true).qos(MqttQos.AT_LEAST_ONCE).send())
                .isInstanceOfSatisfying(com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException.class,
                        e -> assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
        assertThat(broker.retained().get("$sparkplug/certificates/spBv1.0/GZ/NBIRTH/E1")).isNull();
    }

    @Test
    @DisplayName("tck-id-operational-behavior-host-reordering-start, -rebirth: a seq gap not filled within the reorder timeout gets Node Control/Rebirth")
    void seqGapRequestsRebirth() throws Exception {
        TahuEdge e = edge("edge-gc", "GC", "E1", 0);
        e.nbirth(TahuEdge.metric("Speed", MetricDataType.Int32, 1));
        awaitRetained("GC/E1/_edge/Speed", j -> j.get("value").asInt() == 1);
        e.skip();
        e.next("NDATA", null, TahuEdge.metric("Speed", MetricDataType.Int32, 3));

        TahuEdge.Received rebirth = e.awaitCommand(TahuEdge::isRebirth, 10_000);
        assertThat(rebirth).as("NCMD Node Control/Rebirth").isNotNull();
        assertThat(rebirth.topic()).isEqualTo("spBv1.0/GC/NCMD/E1");
        assertThat(rebirth.payload().getSeq()).as("tck-id-payloads-ncmd-seq").isNull();
        assertThat(rebirth.payload().getTimestamp()).as("tck-id-payloads-ncmd-timestamp").isNotNull();
        // What arrived after the gap is newer than the last value shown, so it is applied.
        awaitRetained("GC/E1/_edge/Speed", j -> j.get("value").asInt() == 3);
        given().get("/api/v1/sparkplug/nodes/GC/E1").then().statusCode(200)
                .body("seqGaps", equalTo(1))
                .body("rebirthsRequested", equalTo(1))
                .body("rebirthReasons[0].reason", org.hamcrest.Matchers.startsWith("seq gap not filled"));
        // The same counts per node in Prometheus: NBIRTH + NDATA, the gap, its rebirth, nothing undeclared or malformed.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(nodeSeries(scrape, "uns_sparkplug_node_messages_total", "GC", "E1")).isEqualTo(2.0);
            assertThat(nodeSeries(scrape, "uns_sparkplug_node_seq_gaps_total", "GC", "E1")).isEqualTo(1.0);
            assertThat(nodeSeries(scrape, "uns_sparkplug_node_rebirths_requested_total", "GC", "E1")).isEqualTo(1.0);
            assertThat(nodeSeries(scrape, "uns_sparkplug_node_alias_misses_total", "GC", "E1")).isEqualTo(0.0);
            assertThat(nodeSeries(scrape, "uns_sparkplug_node_decode_errors_total", "GC", "E1")).isEqualTo(0.0);
        });
    }

    /** The value of one per-node series in a Prometheus scrape, or null when the series is missing. */
    private static Double nodeSeries(String scrape, String name, String group, String node) {
        String prefix = name + "{group=\"" + group + "\",node=\"" + node + "\"} ";
        return scrape.lines().filter(l -> l.startsWith(prefix))
                .map(l -> Double.parseDouble(l.substring(prefix.length()).trim().split(" ")[0]))
                .findFirst().orElse(null);
    }

    @Test
    @DisplayName("tck-id-operational-behavior-host-reordering-success: a message that arrives late but within the timeout is put back in order, no rebirth")
    void reorderingWithinTheWindow() throws Exception {
        TahuEdge e = edge("edge-gd", "GD", "E1", 0);
        e.nbirth(TahuEdge.metric("Speed", MetricDataType.Int32, 1));
        awaitRetained("GD/E1/_edge/Speed", j -> j.get("value").asInt() == 1);
        long first = e.skip();
        e.next("NDATA", null, TahuEdge.metric("Speed", MetricDataType.Int32, 3));
        e.send("NDATA", null, first, true, List.of(TahuEdge.metric("Speed", MetricDataType.Int32, 2)));

        awaitRetained("GD/E1/_edge/Speed", j -> j.get("value").asInt() == 3);
        assertThat(e.awaitCommand(TahuEdge::isRebirth, 2_000)).as("no rebirth request").isNull();
        given().get("/api/v1/sparkplug/nodes/GD/E1").then().statusCode(200)
                .body("seqGaps", equalTo(1)).body("rebirthsRequested", equalTo(0)).body("lastSeq", equalTo(2));
    }

    @Test
    @DisplayName("tck-id-operational-behavior-edge-node-termination-host-action-ddeath-devices-tags-stale, -ndeath-node-tags-stale, -ndeath-devices-tags-stale")
    void deathsMakeMetricsStale() throws Exception {
        TahuEdge e = edge("edge-ge", "GE", "E1", 3);
        e.nbirth(TahuEdge.metric("Mode", MetricDataType.String, "auto"));
        e.next("DBIRTH", "D1", TahuEdge.metric("Level", MetricDataType.Int32, 5));
        e.next("DBIRTH", "D2", TahuEdge.metric("Level", MetricDataType.Int32, 7));
        awaitRetained("GE/E1/_edge/D2/Level", j -> j.has("value"));

        long ddeathAt = System.currentTimeMillis() - 60_000;
        e.send("DDEATH", "D1", 3, false, List.of());
        // The DDEATH's own payload timestamp is not settable through the helper; the stale time is checked as set.
        JsonNode d1 = awaitRetained("GE/E1/_edge/D1/Level", j -> "stale".equals(j.get("quality").asText()));
        assertThat(d1.get("value").asInt()).isEqualTo(5);
        assertThat(d1.get("timestamp_ms").asLong()).isGreaterThan(ddeathAt);
        assertThat(retained("GE/E1/_edge/D2/Level").get("quality").asText()).isEqualTo("good");

        long before = System.currentTimeMillis();
        e.kill();
        JsonNode mode = awaitRetained("GE/E1/_edge/Mode", j -> "stale".equals(j.get("quality").asText()));
        assertThat(mode.get("value").asText()).isEqualTo("auto");
        assertThat(mode.get("timestamp_ms").asLong()).as("NDEATH: host time").isGreaterThanOrEqualTo(before);
        awaitRetained("GE/E1/_edge/D2/Level", j -> "stale".equals(j.get("quality").asText()));
        given().get("/api/v1/sparkplug/nodes/GE/E1").then().statusCode(200)
                .body("status", equalTo("OFFLINE")).body("bdSeq", equalTo(3))
                .body("devices.status", org.hamcrest.Matchers.everyItem(equalTo("OFFLINE")));
    }

    @Test
    @DisplayName("A will from an old connection never kills the current session, even with the same bdSeq; the second connection is reported")
    void oldConnectionsWillIsIgnored() throws Exception {
        TahuEdge old = edge("edge-gf-old", "GF", "E1", 0);
        old.nbirth(TahuEdge.metric("Speed", MetricDataType.Int32, 1));
        awaitRetained("GF/E1/_edge/Speed", j -> j.get("value").asInt() == 1);
        // npm sparkplug-client style: the new connection reuses bdSeq 0 (digest P27).
        TahuEdge current = edge("edge-gf-new", "GF", "E1", 0);
        current.nbirth(TahuEdge.metric("Speed", MetricDataType.Int32, 2));
        awaitRetained("GF/E1/_edge/Speed", j -> j.get("value").asInt() == 2);

        old.kill();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/v1/sparkplug/nodes/GF/E1").then()
                .body("staleDeathsIgnored", equalTo(1)));
        given().get("/api/v1/sparkplug/nodes/GF/E1").then().statusCode(200)
                .body("status", equalTo("ONLINE"))
                .body("clientId", equalTo("edge-gf-new"))
                .body("duplicateConnections", equalTo(1))
                .body("lastDuplicateClient", equalTo("edge-gf-old"));
        assertThat(retained("GF/E1/_edge/Speed").get("quality").asText()).isEqualTo("good");

        current.next("NDATA", null, TahuEdge.metric("Speed", MetricDataType.Int32, 9));
        awaitRetained("GF/E1/_edge/Speed", j -> j.get("value").asInt() == 9);
    }

    @Test
    @DisplayName("tck-id-operational-behavior-data-commands-dcmd-verb, -dcmd-metric-value, tck-id-payloads-dcmd-seq: a write on _cmd becomes a DCMD with the birth's datatype, answered on the response topic")
    void commandRoundTrip() throws Exception {
        TahuEdge e = edge("edge-gg", "GG", "E1", 0);
        e.nbirth(TahuEdge.metric("Enabled", MetricDataType.Boolean, false));
        e.next("DBIRTH", "D1", TahuEdge.aliased("Setpoint", 7, MetricDataType.Int16, (short) 10));
        awaitRetained("GG/E1/_edge/D1/Setpoint", j -> j.has("value"));

        Mqtt5BlockingClient writer = clients.v5("writer");
        try (Mqtt5BlockingClient.Mqtt5Publishes replies = writer.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.SUBSCRIBED)) {
            writer.subscribeWith().topicFilter("GG/_raw/replies/#").qos(MqttQos.AT_LEAST_ONCE).send();
            writer.subscribeWith().topicFilter("GG/E1/_cmd/Enabled/result").qos(MqttQos.AT_LEAST_ONCE).send();
            writer.publishWith().topic("GG/E1/_cmd/D1/Setpoint").payload("{\"value\": -5}".getBytes(StandardCharsets.UTF_8))
                    .responseTopic("GG/_raw/replies/1").correlationData("c-42".getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE).send();

            TahuEdge.Received dcmd = e.awaitCommand(r -> r.topic().equals("spBv1.0/GG/DCMD/E1/D1"), 10_000);
            assertThat(dcmd).isNotNull();
            assertThat(dcmd.payload().getSeq()).isNull();
            Metric written = dcmd.payload().getMetrics().getFirst();
            assertThat(written.getAlias()).as("born with an alias: addressed by alias").isEqualTo(7L);
            assertThat(written.getDataType()).isEqualTo(MetricDataType.Int16);
            assertThat(written.getValue()).isEqualTo((short) -5);

            Mqtt5Publish reply = replies.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(reply.getTopic().toString()).isEqualTo("GG/_raw/replies/1");
            assertThat(reply.getCorrelationData().map(b -> StandardCharsets.UTF_8.decode(b).toString())).contains("c-42");
            JsonNode outcome = JSON.readTree(reply.getPayloadAsBytes());
            assertThat(outcome.get("status").asText()).isEqualTo("sent");
            assertThat(outcome.get("datatype").asText()).isEqualTo("Int16");

            // No response topic: the outcome goes to <command topic>/result; a retained write is never executed.
            writer.publishWith().topic("GG/E1/_cmd/Enabled").payload("true".getBytes(StandardCharsets.UTF_8)).retain(true)
                    .qos(MqttQos.AT_LEAST_ONCE).send();
            writer.publishWith().topic("GG/E1/_cmd/Enabled").payload("true".getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE).send();
            TahuEdge.Received ncmd = e.awaitCommand(r -> r.topic().equals("spBv1.0/GG/NCMD/E1"), 10_000);
            assertThat(ncmd.payload().getMetrics().getFirst().getName()).isEqualTo("Enabled");
            assertThat(ncmd.payload().getMetrics().getFirst().getValue()).isEqualTo(true);
            Mqtt5Publish result = replies.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(result.getTopic().toString()).isEqualTo("GG/E1/_cmd/Enabled/result");
            assertThat(e.awaitCommand(r -> r.topic().equals("spBv1.0/GG/NCMD/E1"), 500)).as("exactly one NCMD").isNull();

            // A value the datatype cannot hold is refused with the reason, and nothing reaches the edge.
            writer.publishWith().topic("GG/E1/_cmd/D1/Setpoint").payload("70000".getBytes(StandardCharsets.UTF_8))
                    .responseTopic("GG/_raw/replies/2").qos(MqttQos.AT_LEAST_ONCE).send();
            JsonNode refused = JSON.readTree(replies.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
            assertThat(refused.get("status").asText()).isEqualTo("error");
            assertThat(refused.get("error").asText()).contains("Int16");
        }
    }

    @Test
    @DisplayName("Templates in DBIRTH (definition kept out, instance projected) and a compressed DDATA (digest P11, P19)")
    void templatesAndCompressedPayloads() throws Exception {
        TahuEdge e = edge("edge-gj", "GJ", "E1", 0);
        e.nbirth();
        org.eclipse.tahu.message.model.Template definition = new org.eclipse.tahu.message.model.Template.TemplateBuilder()
                .definition(true).addMetric(TahuEdge.metric("rpm", MetricDataType.Int32, 0)).createTemplate();
        org.eclipse.tahu.message.model.Template instance = new org.eclipse.tahu.message.model.Template.TemplateBuilder()
                .definition(false).templateRef("MotorType").addMetric(TahuEdge.metric("rpm", MetricDataType.Int32, 1500))
                .createTemplate();
        e.next("DBIRTH", "D1", TahuEdge.metric("MotorType", MetricDataType.Template, definition),
                TahuEdge.metric("Motor1", MetricDataType.Template, instance),
                TahuEdge.aliased("Temp", 1, MetricDataType.Double, 20.0));

        JsonNode motor = awaitRetained("GJ/E1/_edge/D1/Motor1", j -> j.has("value"));
        assertThat(motor.get("datatype").asText()).isEqualTo("Template");
        assertThat(motor.get("value").get("template_ref").asText()).isEqualTo("MotorType");
        assertThat(motor.get("value").get("members").get("rpm").asInt()).isEqualTo(1500);
        assertThat(retained("GJ/E1/_edge/D1/MotorType")).as("definitions are types, not values").isNull();

        e.nextCompressed("DDATA", "D1", TahuEdge.byAlias(1, MetricDataType.Double, 42.5));
        awaitRetained("GJ/E1/_edge/D1/Temp", j -> j.get("value").asDouble() == 42.5);
        given().get("/api/v1/sparkplug/nodes/GJ/E1").then().body("decodeErrors", equalTo(0)).body("seqGaps", equalTo(0));
    }

    @Test
    @DisplayName("Data from a node whose birth the host never saw gets a rebirth request")
    void dataBeforeBirthRequestsRebirth() throws Exception {
        TahuEdge e = edge("edge-gh", "GH", "E1", 0);
        e.send("NDATA", null, 17, true, List.of(TahuEdge.metric("Speed", MetricDataType.Int32, 1)));
        assertThat(e.awaitCommand(TahuEdge::isRebirth, 10_000)).isNotNull();
    }

    @Test
    @DisplayName("REST: nodes, one node with devices and metrics, rebirth on demand, 404 for unknown nodes")
    void restApi() throws Exception {
        TahuEdge e = edge("edge-gi", "GI", "E1", 4);
        e.nbirth(TahuEdge.metric("Speed", MetricDataType.Int32, 11));
        e.next("DBIRTH", "D1", TahuEdge.metric("Temp", MetricDataType.Float, 1.5f));
        awaitRetained("GI/E1/_edge/D1/Temp", j -> j.has("value"));

        given().get("/api/v1/sparkplug/nodes").then().statusCode(200).body("node", hasItem("E1")).body("group", hasItem("GI"));
        given().get("/api/v1/sparkplug/nodes/GI/E1").then().statusCode(200)
                .body("status", equalTo("ONLINE"))
                .body("bdSeq", equalTo(4))
                .body("clientId", equalTo("edge-gi"))
                .body("metrics.find { it.name == 'Speed' }.value", equalTo(11))
                .body("metrics.find { it.name == 'Speed' }.topic", equalTo("GI/E1/_edge/Speed"))
                .body("devices[0].device", equalTo("D1"))
                .body("devices[0].metrics[0].datatype", equalTo("Float"));
        given().post("/api/v1/sparkplug/nodes/GI/E1/rebirth").then().statusCode(202);
        assertThat(e.awaitCommand(TahuEdge::isRebirth, 10_000)).isNotNull();
        given().get("/api/v1/sparkplug/nodes/GI/E1").then().body("rebirthsRequested", equalTo(1));
        given().get("/api/v1/sparkplug/nodes/GI/nobody").then().statusCode(404).body("error", equalTo("not found"));
        given().post("/api/v1/sparkplug/nodes/GI/nobody/rebirth").then().statusCode(404);
        given().get("/q/health/group/data").then().statusCode(200)
                .body("checks.find { it.name == 'sparkplug' }.status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("uns_sparkplug_rebirths_requested"));
    }
}
