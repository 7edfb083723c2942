package io.unshub.hub.sparkplug;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.quarkus.test.junit.QuarkusTest;
import io.unshub.broker.Broker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.Metric.MetricBuilder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItems;

/**
 * The Sparkplug Aware server's delivery behaviours (digest §5.2, points 2 to 4) as real clients see them: an MQTT
 * 3.1.1 Paho client and an MQTT 5 HiveMQ client receive NDEATHs stamped with the delivery time and certificates
 * with RETAIN = 1 on live forwarding; an identical re-subscribe brings the stored certificates again. Each test
 * uses its own group id.
 */
@QuarkusTest
class SparkplugAwareTest {

    private static final long OLD = 1_000_000_000_000L; // 2001: any stamped NDEATH is far later

    @Inject
    Broker broker;

    @Inject
    AwareOutbound aware;

    private final HubClients clients = new HubClients(() -> broker.tcpPort());

    @AfterEach
    void closeAll() {
        clients.closeAll();
    }

    private record Got(String topic, byte[] payload, boolean retained) {
    }

    /** A Paho MQTT 3.1.1 subscriber collecting what arrives on {@code filter}. */
    private BlockingQueue<Got> paho311(String clientId, String filter) throws Exception {
        MqttClient c = clients.paho311(clientId);
        BlockingQueue<Got> got = new LinkedBlockingQueue<>();
        c.subscribe(filter, 1, (topic, m) -> got.add(new Got(topic, m.getPayload(), m.isRetained())));
        return got;
    }

    private static Got next(BlockingQueue<Got> queue) throws InterruptedException {
        Got g = queue.poll(10, TimeUnit.SECONDS);
        assertThat(g).as("a message within 10 s").isNotNull();
        return g;
    }

    private static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> p = publishes.receive(10, TimeUnit.SECONDS);
        assertThat(p).as("a message within 10 s").isPresent();
        return p.get();
    }

    private static byte[] ndeath(Date timestamp, long bdSeq) throws Exception {
        return new SparkplugBPayloadEncoder().getBytes(new SparkplugBPayloadBuilder().setTimestamp(timestamp)
                .addMetric(new MetricBuilder("bdSeq", MetricDataType.Int64, bdSeq).createMetric()).createPayload(), false);
    }

    private static SparkplugBPayload tahu(byte[] bytes) throws Exception {
        return new SparkplugBPayloadDecoder().buildFromByteArray(bytes, null);
    }

    @Test
    @DisplayName("tck-id-conformance-mqtt-aware-ndeath-timestamp: a will NDEATH and an explicit one reach MQTT 3.1.1 and MQTT 5 subscribers with the delivery time as timestamp, bdSeq intact")
    void ndeathTimestampIsTheDeliveryTime() throws Exception {
        BlockingQueue<Got> at311 = paho311("aware-nd-311", "spBv1.0/GN/NDEATH/+");
        Mqtt5BlockingClient v5 = clients.v5("aware-nd-5");
        try (Mqtt5BlockingClient.Mqtt5Publishes at5 = v5.publishes(MqttGlobalPublishFilter.ALL)) {
            v5.subscribeWith().topicFilter("spBv1.0/GN/NDEATH/+").qos(MqttQos.AT_LEAST_ONCE).send();

            // The will, as an edge would set it at CONNECT: with a timestamp long past.
            MqttClient edge = new MqttClient("tcp://127.0.0.1:" + broker.tcpPort(), "aware-nd-edge", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setWill("spBv1.0/GN/NDEATH/E1", ndeath(new Date(OLD), 5), 1, false);
            edge.connect(o);
            long before = System.currentTimeMillis();
            edge.disconnectForcibly(0, 1000, false);
            edge.close(true);

            Got will311 = next(at311);
            Mqtt5Publish will5 = next(at5);
            long after = System.currentTimeMillis();
            for (byte[] payload : List.of(will311.payload(), will5.getPayloadAsBytes())) {
                SparkplugBPayload p = tahu(payload);
                assertThat(p.getTimestamp().getTime()).isBetween(before, after);
                assertThat(p.getSeq()).isNull();
                assertThat(p.getMetrics()).extracting(Metric::getName, Metric::getValue)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("bdSeq", 5L));
            }

            // An explicit NDEATH (what an edge publishes before a clean DISCONNECT) is stamped the same way.
            long explicitBefore = System.currentTimeMillis();
            clients.v5("aware-nd-pub").publishWith().topic("spBv1.0/GN/NDEATH/E2").payload(ndeath(new Date(OLD), 8))
                    .qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(tahu(next(at311).payload()).getTimestamp().getTime()).isGreaterThanOrEqualTo(explicitBefore);
            assertThat(tahu(next(at5).getPayloadAsBytes()).getTimestamp().getTime()).isGreaterThanOrEqualTo(explicitBefore);
        }
    }

    @Test
    @DisplayName("An NDEATH that does not decode is delivered unchanged and counted, never dropped")
    void malformedNdeathIsDeliveredAsIs() throws Exception {
        BlockingQueue<Got> at311 = paho311("aware-bad-311", "spBv1.0/GM/NDEATH/+");
        long unstamped = aware.delivery().orElseThrow().unstamped();
        byte[] garbage = {(byte) 0xFF, 0x00, 0x13, 0x37};
        clients.v5("aware-bad-pub").publishWith().topic("spBv1.0/GM/NDEATH/E1").payload(garbage).qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(next(at311).payload()).isEqualTo(garbage);
        assertThat(aware.delivery().orElseThrow().unstamped()).isEqualTo(unstamped + 1);
    }

    @Test
    @DisplayName("Digest §5.2 points 2 and 3: live certificate copies arrive with RETAIN = 1 (MQTT 3.1.1, and MQTT 5 without retain-as-published); an identical re-subscribe re-sends the stored ones")
    void certificatesAreRetainedLiveAndOnResubscribe() throws Exception {
        String filter = "$sparkplug/certificates/spBv1.0/GL/#";
        BlockingQueue<Got> at311 = paho311("aware-cert-311", filter);
        Mqtt5BlockingClient v5 = clients.v5("aware-cert-5");
        try (Mqtt5BlockingClient.Mqtt5Publishes at5 = v5.publishes(MqttGlobalPublishFilter.ALL)) {
            v5.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(false).send();

            try (TahuEdge e = new TahuEdge(broker.tcpPort(), "aware-cert-edge", "GL", "E1", 0)) {
                e.nbirth(TahuEdge.metric("Up", MetricDataType.Boolean, true));
                e.next("DBIRTH", "D1", TahuEdge.metric("Level", MetricDataType.Int32, 5));

                Got nbirth = next(at311);
                Got dbirth = next(at311);
                assertThat(List.of(nbirth.topic(), dbirth.topic())).containsExactly(
                        "$sparkplug/certificates/spBv1.0/GL/NBIRTH/E1", "$sparkplug/certificates/spBv1.0/GL/DBIRTH/E1/D1");
                assertThat(nbirth.retained()).as("MQTT 3.1.1 live NBIRTH copy").isTrue();
                assertThat(dbirth.retained()).as("MQTT 3.1.1 live DBIRTH copy").isTrue();
                Mqtt5Publish nbirth5 = next(at5);
                Mqtt5Publish dbirth5 = next(at5);
                assertThat(nbirth5.isRetain()).as("MQTT 5 live NBIRTH copy").isTrue();
                assertThat(dbirth5.isRetain()).as("MQTT 5 live DBIRTH copy").isTrue();

                // The TCK's check: the same filter again; the broker answers with the stored certificates.
                MqttClient again = clients.paho311("aware-cert-again");
                BlockingQueue<Got> resent = new LinkedBlockingQueue<>();
                again.subscribe(filter, 1, (t, m) -> resent.add(new Got(t, m.getPayload(), m.isRetained())));
                assertThat(List.of(next(resent).topic(), next(resent).topic())).containsExactlyInAnyOrder(
                        nbirth.topic(), dbirth.topic());
                again.subscribe(filter, 1, (t, m) -> resent.add(new Got(t, m.getPayload(), m.isRetained())));
                Got first = next(resent);
                Got second = next(resent);
                assertThat(List.of(first.topic(), second.topic())).containsExactlyInAnyOrder(nbirth.topic(), dbirth.topic());
                assertThat(first.retained() && second.retained()).isTrue();
                for (Got g : List.of(first, second)) {
                    assertThat(g.payload()).as("stored byte for byte")
                            .isEqualTo(g.topic().equals(nbirth.topic()) ? nbirth.payload() : dbirth.payload());
                }
            }
        }
    }

    @Test
    @DisplayName("uns.sparkplug.project-node-control=false (default): bdSeq and Node Control/* are in the REST node view, not in the namespace")
    void nodeControlStaysOutOfTheNamespace() throws Exception {
        try (TahuEdge e = new TahuEdge(broker.tcpPort(), "aware-nc-edge", "GK", "E1", 3)) {
            e.nbirth(TahuEdge.metric("Speed", MetricDataType.Int32, 7));
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.retained().get("GK/E1/_edge/Speed") != null);
            given().get("/api/v1/sparkplug/nodes/GK/E1").then().statusCode(200)
                    .body("metrics.name", hasItems("bdSeq", "Node Control/Rebirth", "Speed"));
            assertThat(broker.retained().get("GK/E1/_edge/bdSeq")).isNull();
            assertThat(broker.retained().get("GK/E1/_edge/Node Control/Rebirth")).isNull();
            assertThat(broker.retained().get("GK/E1/_meta/bdSeq")).isNull();
        }
    }
}
