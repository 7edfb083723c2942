package io.unshub.hub.opcua;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unshub.broker.Broker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** The OPC UA bridge in the running hub: REST, health group, metrics, and a command over real MQTT 5. */
@QuarkusTest
@TestProfile(OpcUaHubProfile.class)
class OpcUaApiTest {

    private static final String LOC = "acme/dallas/press/line1";

    @Inject
    Broker broker;

    @BeforeEach
    void connected() {
        await().atMost(Duration.ofSeconds(15)).until(() -> "connected".equals(given()
                .get("/api/v1/opcua/connections").then().statusCode(200).extract().path("[0].state")));
    }

    @Test
    void connectionsAreListedWithStateCountsAndFailures() {
        given().get("/api/v1/opcua/connections").then().statusCode(200)
                .body("[0].name", equalTo("plc1"))
                .body("[0].tags", equalTo(2))
                .body("[0].items", equalTo(1))
                .body("[0].failedItems", equalTo(1));
        given().get("/api/v1/opcua/connections/plc1").then().statusCode(200)
                .body("stateTopic", equalTo(LOC + "/_meta/opcua/plc1/state"))
                .body("status.endpoint", equalTo(OpcUaHubProfile.PLC.endpoint()))
                .body("status.securityPolicy", containsString("#None"))
                .body("status.failures[0].topic", equalTo(LOC + "/cell1/_edge/missing"))
                .body("status.failures[0].reason", containsString("Bad_NodeIdUnknown"));
        given().get("/api/v1/opcua/connections/nope").then().statusCode(404).body("error", equalTo("not found"));
        given().get("/api/v1/opcua/certificates/rejected").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void valuesAreRetainedInTheNamespaceAndTheStateUnderMeta() {
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.retained().get(LOC + "/cell1/_edge/temperature")
                != null);
        String value = new String(broker.retained().get(LOC + "/cell1/_edge/temperature").payload(),
                StandardCharsets.UTF_8);
        assertThat(value).contains("\"value\":20.0").contains("\"unit\":\"degC\"").contains("\"quality\":\"good\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.retained().get(LOC + "/_meta/opcua/plc1/state") != null
                && new String(broker.retained().get(LOC + "/_meta/opcua/plc1/state").payload(), StandardCharsets.UTF_8)
                .contains("\"state\":\"connected\""));
    }

    @Test
    void browseHelpsToWriteTheConfig() {
        given().queryParam("node", "nsu=urn:uns:test;s=Plant").get("/api/v1/opcua/connections/plc1/browse")
                .then().statusCode(200)
                .body("browseName", hasItems("Line1", "Types"))
                .body("nodeId", hasItems("nsu=urn:uns:test;s=Line1"));
        given().get("/api/v1/opcua/connections/plc1/browse").then().statusCode(200)
                .body("browseName", hasItems("Server", "Plant"));
        given().queryParam("node", "not a node").get("/api/v1/opcua/connections/plc1/browse")
                .then().statusCode(400).body("error", equalTo("bad request"));
    }

    @Test
    void plcStateIsHealthDataNotReadiness() {
        given().get("/q/health/group/opcua").then().statusCode(200).body("checks[0].data.plc1", equalTo("connected"));
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("uns_opcua_connected{connection=\"plc1\"} 1.0"))
                .body(containsString("uns_opcua_failed_items{connection=\"plc1\"} 1.0"));
    }

    @Test
    void aCommandOverMqtt5IsWrittenAndAnsweredOnTheResponseTopic() throws Exception {
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("mes").serverHost("127.0.0.1")
                .serverPort(broker.tcpPort()).buildBlocking();
        client.connect();
        try (var publishes = client.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.SUBSCRIBED)) {
            client.subscribeWith().topicFilter(LOC + "/cell1/_cmd/replies/mes").qos(MqttQos.AT_LEAST_ONCE).send();
            client.publishWith().topic(LOC + "/cell1/_cmd/setpoint").qos(MqttQos.AT_LEAST_ONCE)
                    .responseTopic(LOC + "/cell1/_cmd/replies/mes").correlationData(new byte[]{1, 2})
                    .payload("{\"value\": 61.5}".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt5Publish reply = publishes.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(reply.getCorrelationData().map(b -> b.get(1))).contains((byte) 2);
            assertThat(new String(reply.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .contains("\"status_name\":\"Good\"");
            assertThat(OpcUaHubProfile.PLC.get("Line1/Setpoint")).isEqualTo(61.5);
        } finally {
            client.disconnect();
        }
    }
}
