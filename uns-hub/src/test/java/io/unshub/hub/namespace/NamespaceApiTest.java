package io.unshub.hub.namespace;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.unshub.broker.Broker;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

/** The namespace REST API, health, metrics and enforcement in the running hub, on a 10,000-topic plant. */
@QuarkusTest
@TestProfile(PlantModelProfile.class)
class NamespaceApiTest {

    private static final int SITES = 2;
    private static final int TAGS_PER_CELL = 10;

    @Inject
    Broker broker;

    @Inject
    NamespaceRuntime namespace;

    /** 2 sites x 5 areas x 10 lines x 10 cells x 10 tags = 10,000 topics, published in-process once. */
    @BeforeEach
    void fillThePlant() {
        if (namespace.live().value("acme/site2/area5/line10/cell10/_edge/tag10").isPresent()) {
            return;
        }
        for (int s = 1; s <= SITES; s++) {
            for (int a = 1; a <= 5; a++) {
                for (int l = 1; l <= 10; l++) {
                    for (int c = 1; c <= 10; c++) {
                        for (int t = 1; t <= TAGS_PER_CELL; t++) {
                            String topic = "acme/site" + s + "/area" + a + "/line" + l + "/cell" + c + "/_edge/tag" + t;
                            String json = "{\"value\":" + (s * 10000 + a * 1000 + l * 100 + c * 10 + t)
                                    + ",\"timestamp_ms\":1732000000000,\"quality\":\"good\"}";
                            PublishOutcome outcome = broker.bus().publish(UnsMessage.of(topic,
                                    json.getBytes(StandardCharsets.UTF_8), 0, true, MessageProperties.NONE,
                                    Origin.internal("test-plant")));
                            assertThat(outcome.accepted()).as(topic).isTrue();
                        }
                    }
                }
            }
        }
    }

    @Test
    void modelAndRevisionAreServed() {
        given().when().get("/api/v1/namespace").then().statusCode(200)
                .body("name", equalTo("acme plant test"))
                .body("enforced", equalTo(true))
                .body("source", equalTo(PlantModelProfile.MODEL.toString()))
                .body("model.levels.name", hasItem("site"))
                .body("model.classes._edge.payload", equalTo("uns-value"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'namespace-model' }.data.source",
                        equalTo(PlantModelProfile.MODEL.toString()));
    }

    @Test
    void treeIsBrowsedLazilyFromTheTop() {
        given().when().get("/api/v1/namespace/tree").then().statusCode(200)
                .body("path", equalTo(""))
                .body("children.size()", equalTo(1))
                .body("children[0].name", equalTo("acme"))
                .body("children[0].topicsBelow", equalTo(10_000));
        given().queryParam("path", "acme").when().get("/api/v1/namespace/tree").then().statusCode(200)
                .body("children.name", equalTo(List.of("site1", "site2")))
                .body("children[0].topicsBelow", equalTo(5_000))
                .body("children[0].value", nullValue());
        JsonPath cell = given().queryParam("path", "acme/site1/area3/line7/cell4/_edge").when()
                .get("/api/v1/namespace/tree").then().statusCode(200).extract().jsonPath();
        assertThat(cell.getList("children.name")).hasSize(10).isSorted().contains("tag1", "tag10", "tag2");
        String tag2 = "children.find { it.name == 'tag2' }.value";
        assertThat(cell.getInt(tag2 + ".value.value")).isEqualTo(10000 + 3000 + 700 + 40 + 2);
        assertThat(cell.getString(tag2 + ".encoding")).isEqualTo("json");
        assertThat(cell.getString(tag2 + ".publisher")).isEqualTo("test-plant");
        assertThat(cell.getLong(tag2 + ".messageCount")).isGreaterThanOrEqualTo(1);
        assertThat(cell.getString(tag2 + ".lastUpdate")).isNotBlank();

        given().queryParam("path", "acme/nowhere").when().get("/api/v1/namespace/tree").then().statusCode(404)
                .body("detail", containsString("acme/nowhere"));
        for (String bad : List.of("acme/+", "/acme", "acme/", "acme//site1")) {
            given().queryParam("path", bad).when().get("/api/v1/namespace/tree").then().statusCode(400);
        }
    }

    @Test
    void wideLevelsArePaged() {
        String path = "acme/site1/area2/line3/cell4/_edge";
        JsonPath first = given().queryParam("path", path).queryParam("limit", 4).when()
                .get("/api/v1/namespace/tree").then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("children.name")).containsExactly("tag1", "tag10", "tag2", "tag3");
        assertThat(first.getString("next")).isEqualTo("tag3");
        JsonPath rest = given().queryParam("path", path).queryParam("limit", 100).queryParam("after", "tag3").when()
                .get("/api/v1/namespace/tree").then().statusCode(200).extract().jsonPath();
        assertThat(rest.getList("children.name")).containsExactly("tag4", "tag5", "tag6", "tag7", "tag8", "tag9");
        assertThat(rest.getString("next")).isNull();
        for (String bad : List.of("0", "10001", "abc", "99999999999")) {
            given().queryParam("path", path).queryParam("limit", bad).when().get("/api/v1/namespace/tree").then()
                    .statusCode(400).body("detail", containsString("limit"));
            given().queryParam("limit", bad).when().get("/api/v1/values").then().statusCode(400)
                    .body("detail", containsString("limit"));
        }
    }

    @Test
    void valuesArePagedInTopicOrderUnderAFilter() {
        Set<String> seen = new HashSet<>();
        String after = null;
        int pages = 0;
        do {
            var request = given().queryParam("filter", "acme/site2/#").queryParam("limit", 1000);
            if (after != null) {
                request = request.queryParam("after", after);
            }
            JsonPath page = request.when().get("/api/v1/values").then().statusCode(200).extract().jsonPath();
            List<String> topics = page.getList("values.topic");
            assertThat(topics).isSorted();
            for (String topic : topics) {
                assertThat(topic).startsWith("acme/site2/");
                assertThat(seen.add(topic)).as("seen twice: " + topic).isTrue();
            }
            after = page.getString("next");
            pages++;
        } while (after != null);
        assertThat(seen).hasSize(5_000);
        assertThat(pages).isEqualTo(5);

        given().queryParam("filter", "acme/+/area1/line1/cell1/_edge/tag3").when().get("/api/v1/values").then()
                .statusCode(200)
                .body("count", equalTo(2))
                .body("values.topic", equalTo(List.of("acme/site1/area1/line1/cell1/_edge/tag3",
                        "acme/site2/area1/line1/cell1/_edge/tag3")));
        given().queryParam("filter", "acme/#/x").when().get("/api/v1/values").then().statusCode(400);
    }

    @Test
    void validateExplainsTheVerdictWithoutPublishing() {
        given().queryParam("topic", "acme/site1/area1/line1/cell1/_edge/speed").when()
                .post("/api/v1/namespace/validate").then().statusCode(200)
                .body("verdict", equalTo("accepted"))
                .body("className", equalTo("_edge"));
        given().queryParam("topic", "acme/site9/area1/_edge/speed").when()
                .post("/api/v1/namespace/validate").then().statusCode(200)
                .body("verdict", equalTo("rejected"))
                .body("rule", equalTo("UNS-E105"))
                .body("reasonCode", equalTo(0x90))
                .body("reason", containsString("site9"));
        given().queryParam("topic", "acme/site1/area1/_edge/speed").contentType(ContentType.JSON)
                .body("{\"value\": 1}").when().post("/api/v1/namespace/validate").then().statusCode(200)
                .body("verdict", equalTo("rejected"))
                .body("rule", equalTo("UNS-E203"))
                .body("reasonCode", equalTo(0x83));
        given().queryParam("topic", "spBv1.0/g/NDATA/n").when().post("/api/v1/namespace/validate").then()
                .statusCode(200).body("verdict", equalTo("reserved"));
        given().when().post("/api/v1/namespace/validate").then().statusCode(400)
                .body("detail", containsString("topic"));
        given().queryParam("topic", "acme/+/x").when().post("/api/v1/namespace/validate").then().statusCode(400);
        assertThat(namespace.live().value("acme/site1/area1/line1/cell1/_edge/speed")).isEmpty();
    }

    @Test
    void mqttPublishersAreHeldToTheModelAndViolationsAreReported() throws InterruptedException {
        Mqtt5BlockingClient watcher = connect("ns-watcher");
        Mqtt5BlockingClient publisher = connect("ns-publisher");
        try (Mqtt5BlockingClient.Mqtt5Publishes reports = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("$uns/violations/#").qos(MqttQos.AT_LEAST_ONCE).send();
            assertThatThrownBy(() -> publisher.publishWith().topic("acme/site3/area1/_edge/speed")
                    .qos(MqttQos.AT_LEAST_ONCE).payload("{\"value\":1,\"timestamp_ms\":1}".getBytes()).send())
                    .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> {
                        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
                        assertThat(e.getMqttMessage().getReasonString()).hasValueSatisfying(
                                reason -> assertThat(reason.toString()).startsWith("UNS-E105").contains("site3"));
                    });
            Optional<Mqtt5Publish> report = reports.receive(5, TimeUnit.SECONDS);
            assertThat(report).isPresent();
            assertThat(report.get().getTopic().toString()).isEqualTo("$uns/violations/ns-publisher");
            JsonPath json = JsonPath.from(new String(report.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            assertThat(json.getString("rule")).isEqualTo("UNS-E105");
            assertThat(json.getString("topic")).isEqualTo("acme/site3/area1/_edge/speed");
        } finally {
            watcher.disconnect();
            publisher.disconnect();
        }
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("uns_namespace_violations_total{name=\"not-in-tree\",rule=\"UNS-E105\"}"))
                .body(containsString("uns_namespace_live_topics"));
    }

    @Test
    void editingTheModelFileReloadsItAndABrokenEditKeepsThePreviousModel() {
        String topic = "acme/site3/area1/line1/cell1/_edge/speed";
        assertThat(validate(topic)).isEqualTo("rejected");

        PlantModelProfile.write(PlantModelProfile.model("2", "site3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(revision()));
        assertThat(validate(topic)).isEqualTo("accepted");
        await().atMost(Duration.ofSeconds(5)).until(() -> sysRevision().contains("\"revision\":\"2\""));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'namespace-model' }.data.revision", equalTo("2"));

        PlantModelProfile.write(PlantModelProfile.model("3", "site3") + "  bogus: true\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> lastError() != null);
        assertThat(lastError()).contains(PlantModelProfile.MODEL.toString()).contains("bogus");
        assertThat(revision()).isEqualTo("2");
        assertThat(validate(topic)).isEqualTo("accepted");

        PlantModelProfile.write(PlantModelProfile.model("1", null));
        await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(revision()) && lastError() == null);
        assertThat(validate(topic)).isEqualTo("rejected");
    }

    @Test
    void everyNamespaceEndpointIsInTheOpenApiDocument() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/namespace"))
                .body(containsString("/api/v1/namespace/tree"))
                .body(containsString("/api/v1/namespace/validate"))
                .body(containsString("/api/v1/values"));
    }

    private String sysRevision() {
        return broker.retained().matching(NamespaceRuntime.SYS_TOPIC).stream()
                .map(m -> new String(m.payload(), StandardCharsets.UTF_8)).findFirst().orElse("");
    }

    private static String validate(String topic) {
        return given().queryParam("topic", topic).when().post("/api/v1/namespace/validate").then().statusCode(200)
                .extract().path("verdict");
    }

    private static String revision() {
        return given().when().get("/api/v1/namespace").then().statusCode(200).extract().path("revision");
    }

    private static String lastError() {
        return given().when().get("/api/v1/namespace").then().statusCode(200).extract().path("lastError");
    }

    private Mqtt5BlockingClient connect(String id) {
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.tcpPort()).buildBlocking();
        client.connect();
        return client;
    }
}
