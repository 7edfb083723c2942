package io.unshub.hub.ops;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.unshub.broker.Broker;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.hub.demo.UnsSimulator;
import io.unshub.hub.lifecycle.StartupBanner;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * What an operator sees of a hub started with the shipped example config and the demo on: the start-up
 * banner, live demo values in the namespace (simulated MQTT plant, the demo OPC UA PLC through the OPC UA
 * bridge, the demo Sparkplug edge node through the Sparkplug host), OpenAPI with Swagger UI, Prometheus metrics.
 */
@QuarkusTest
@TestProfile(DemoProfile.class)
class OperationsTest {

    private static final String SPEED = "acme/dallas/press/line1/cell1/_edge/spindle/speed";
    private static final String PLC = "acme/monterrey/assembly/line3/cell1/";
    private static final String PAINT = "acme/dallas/paint/line1/";

    @Inject
    StartupBanner banner;

    @Inject
    Broker broker;

    @Inject
    UnsBus bus;

    @Test
    void theBannerNamesListenersConfigSourcesDataDirectoryAndWhatIsEnabled() {
        String text = banner.text();
        Path configDir = Path.of(DemoProfile.CONFIG_DIR).toAbsolutePath().normalize();
        assertThat(text)
                .contains("MQTT tcp   127.0.0.1:" + broker.tcpPort())
                .contains("MQTT ws    127.0.0.1:" + broker.wsPort() + " path /mqtt")
                .contains("MQTT tls   off (no uns.mqtt.tls.certificate")
                .contains("HTTP       ")
                .contains("directory  " + configDir)
                .contains("sources    ").contains("EnvConfigSource")
                .contains("namespace  " + configDir.resolve("namespace.yaml") + " (acme two-site enterprise, revision ")
                .contains("acl        " + configDir.resolve("acl.yaml"))
                .doesNotContain("acl.yaml (absent")
                .contains("directory  " + Path.of("target/test-data").toAbsolutePath().normalize())
                .contains("broker     memory: retained messages and sessions are lost on restart")
                .contains("namespace  enforced")
                .contains("auth       anonymous none")
                .contains("logging    text")
                .contains("demo       on: opcua-plc, sparkplug-edge, uns-simulator");
    }

    @Test
    void demoValuesAppearAndChangeInTheLiveNamespace() {
        JsonPath first = await().atMost(Duration.ofSeconds(10)).until(() -> speed(), p -> p.get("count") != null
                && p.getInt("count") == 1);
        Map<String, Object> value = first.getMap("values[0].value");
        assertThat(value).containsKeys("value", "timestamp_ms").containsEntry("quality", "good")
                .containsEntry("unit", "rpm").containsEntry("datatype", "Float");
        long count = first.getLong("values[0].messageCount");
        await().atMost(Duration.ofSeconds(10)).until(() -> speed().getLong("values[0].messageCount") > count);

        List<String> topics = given().queryParam("filter", "acme/#").queryParam("limit", 10_000)
                .when().get("/api/v1/values").then().statusCode(200).extract().jsonPath().getList("values.topic");
        assertThat(topics).as("every simulated topic is accepted by the example namespace and ACL")
                .containsAll(UnsSimulator.topics());
    }

    @Test
    void theDemoPlcIsReadThroughTheOpcUaBridgeAndItsSetPointTakesCommands() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().when().get("/api/v1/opcua/connections")
                .then().statusCode(200)
                .body("find { it.name == 'demo-plc' }.state", equalTo("connected"))
                .body("find { it.name == 'demo-plc' }.endpoint",
                        equalTo("opc.tcp://127.0.0.1:" + DemoProfile.PLC_PORT + "/uns-demo-plc"))
                .body("find { it.name == 'demo-plc' }.failedItems", equalTo(0)));

        JsonPath values = await().atMost(Duration.ofSeconds(10)).until(() -> plcValues(),
                p -> p.getList("values.topic").size() == 5);
        assertThat(values.getList("values.topic", String.class)).containsExactlyInAnyOrder(PLC + "_edge/conveyor/speed",
                PLC + "_edge/conveyor/setpoint", PLC + "_edge/temperature", PLC + "_edge/count/good", PLC + "_edge/state");
        assertThat(values.getList("values.value.quality", String.class)).containsOnly("good");
        assertThat(values.getString("values.find { it.topic.endsWith('/state') }.value.value")).isIn("running", "idle");
        assertThat(values.getString("values.find { it.topic.endsWith('/count/good') }.value.datatype")).isEqualTo("Int64");
        assertThat(values.getString("values.find { it.topic.endsWith('/temperature') }.value.unit")).isEqualTo("degC");
        long temperatures = values.getLong("values.find { it.topic.endsWith('/temperature') }.messageCount");
        await().atMost(Duration.ofSeconds(10)).until(() -> plcValues()
                .getLong("values.find { it.topic.endsWith('/temperature') }.messageCount") > temperatures);

        // An operator's command (here from inside the process; the example ACL gives MQTT writers the ops role).
        var outcome = bus.publish(UnsMessage.of(PLC + "_cmd/conveyor/setpoint",
                "{\"value\":45.5}".getBytes(StandardCharsets.UTF_8), 1, false, MessageProperties.NONE,
                Origin.internal("operations-test")));
        assertThat(outcome.accepted()).as("the command fits the example namespace: %s", outcome).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> plcValues()
                .getDouble("values.find { it.topic.endsWith('/conveyor/setpoint') }.value.value") == 45.5);
        // Without an MQTT 5 response topic the answer goes to .../result, which the example model accepts.
        Map<String, Object> result = await().atMost(Duration.ofSeconds(10)).until(() -> given()
                .queryParam("filter", PLC + "_cmd/conveyor/setpoint/result").when().get("/api/v1/values").then()
                .statusCode(200).extract().jsonPath().getMap("values[0].value"), r -> r != null);
        assertThat(result).containsEntry("status_name", "Good").containsEntry("read_back", "match");
    }

    @Test
    void theDemoSparkplugEdgeNodeIsBornAndItsMetricsLandOnThePaintLine() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().when().get("/api/v1/sparkplug/nodes")
                .then().statusCode(200)
                .body("find { it.group == 'acme-dallas' && it.node == 'paint-line1' }.status", equalTo("ONLINE"))
                .body("find { it.node == 'paint-line1' }.clientId", equalTo("uns-demo-edge"))
                .body("find { it.node == 'paint-line1' }.devices", equalTo(2))
                .body("find { it.node == 'paint-line1' }.devicesOnline", equalTo(2)));

        JsonPath values = await().atMost(Duration.ofSeconds(10)).until(() -> paintValues(),
                p -> p.getList("values.topic").size() == 12);
        assertThat(values.getList("values.value.quality", String.class)).containsOnly("good");
        assertThat(values.getList("values.value.datatype", String.class))
                .contains("Float", "Double", "Int64", "Boolean", "String");
        String temperature = PAINT + "booth1/_edge/temperature";
        assertThat(values.getString("values.find { it.topic == '" + temperature + "' }.value.unit")).isEqualTo("degC");
        long changes = values.getLong("values.find { it.topic == '" + temperature + "' }.messageCount");
        await().atMost(Duration.ofSeconds(10)).until(() -> paintValues()
                .getLong("values.find { it.topic == '" + temperature + "' }.messageCount") > changes);
        assertThat(metric("uns_sparkplug_projections_rejected_total")).as("projections the example model refused")
                .isEqualTo(0.0);
    }

    @Test
    void theDemoEdgeNodesInternalIdentityIsNoDoorForOthers() {
        // The container's setting: anonymous clients are refused, yet the demo edge node comes ONLINE.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().when().get("/api/v1/sparkplug/nodes")
                .then().statusCode(200).body("find { it.node == 'paint-line1' }.status", equalTo("ONLINE")));
        Mqtt3BlockingClient anonymous = Mqtt3Client.builder().identifier("anon-" + System.nanoTime())
                .serverHost("127.0.0.1").serverPort(broker.tcpPort()).buildBlocking();
        assertThatThrownBy(anonymous::connect).isInstanceOf(Mqtt3ConnAckException.class);
        Mqtt3BlockingClient impostor = Mqtt3Client.builder().identifier("uns-demo-edge")
                .serverHost("127.0.0.1").serverPort(broker.tcpPort()).buildBlocking();
        assertThatThrownBy(() -> impostor.connectWith().simpleAuth().username("uns-demo-edge")
                .password("guess".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send())
                .isInstanceOf(Mqtt3ConnAckException.class)
                .satisfies(e -> assertThat(((Mqtt3ConnAckException) e).getMqttMessage().getReturnCode())
                        .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
        // Claiming only the client id (anonymously) would take the demo's session over and fire its NDEATH will.
        Mqtt3BlockingClient sessionThief = Mqtt3Client.builder().identifier("uns-demo-edge")
                .serverHost("127.0.0.1").serverPort(broker.tcpPort()).buildBlocking();
        assertThatThrownBy(sessionThief::connect).isInstanceOf(Mqtt3ConnAckException.class)
                .satisfies(e -> assertThat(((Mqtt3ConnAckException) e).getMqttMessage().getReturnCode())
                        .as("refused as not authorized for the reserved client id, before anonymity is even judged")
                        .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
        given().when().get("/api/v1/sparkplug/nodes").then().statusCode(200)
                .body("find { it.node == 'paint-line1' }.status", equalTo("ONLINE"));
    }

    @Test
    void theNamespaceApiServesTheExampleTwoSiteModel() {
        String body = given().when().get("/api/v1/namespace").then().statusCode(200)
                .body("name", equalTo("acme two-site enterprise"))
                .body("revision", equalTo("2025-11-22.1"))
                .body("enforced", equalTo(true))
                .body("lastError", org.hamcrest.Matchers.nullValue())
                .body("source", org.hamcrest.Matchers.endsWith("namespace.yaml"))
                .extract().asString();
        assertThat(body).contains("\"dallas\"", "\"monterrey\"", "\"press\"", "\"assembly\"");
    }

    @Test
    void theDemoEdgeNodeAnswersRebirthRequestsAndSetPointWrites() {
        String meta = PAINT + "booth2/_meta/temperature";
        long birth = await().atMost(Duration.ofSeconds(15)).until(() -> birthMs(meta), b -> b > 0);
        given().when().post("/api/v1/sparkplug/nodes/acme-dallas/paint-line1/rebirth").then().statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> birthMs(meta) > birth);

        String command = PAINT + "booth1/_cmd/setpoint/temperature";
        var outcome = bus.publish(UnsMessage.of(command, "{\"value\":31.5}".getBytes(StandardCharsets.UTF_8), 1,
                false, MessageProperties.NONE, Origin.internal("operations-test")));
        assertThat(outcome.accepted()).as("the command fits the example namespace: %s", outcome).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> given().queryParam("filter",
                PAINT + "booth1/_edge/setpoint/temperature").when().get("/api/v1/values").then().statusCode(200)
                .extract().jsonPath().getDouble("values[0].value.value") == 31.5);
        Map<String, Object> result = await().atMost(Duration.ofSeconds(10)).until(() -> given()
                .queryParam("filter", command + "/result").when().get("/api/v1/values").then()
                .statusCode(200).extract().jsonPath().getMap("values[0].value"), r -> r != null);
        assertThat(result).containsEntry("status", "sent").containsEntry("datatype", "Float");
        assertThat(metric("uns_sparkplug_projections_rejected_total")).isEqualTo(0.0);
    }

    private static long birthMs(String metaTopic) {
        Object birth = given().queryParam("filter", metaTopic).when().get("/api/v1/values").then().statusCode(200)
                .extract().jsonPath().get("values[0].value.birth_ms");
        return birth instanceof Number n ? n.longValue() : 0;
    }

    private static JsonPath paintValues() {
        return given().queryParam("filter", PAINT + "+/_edge/#").when().get("/api/v1/values").then().statusCode(200)
                .extract().jsonPath();
    }

    private static double metric(String name) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s is exported", name).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static JsonPath plcValues() {
        return given().queryParam("filter", PLC + "_edge/#").when().get("/api/v1/values").then().statusCode(200)
                .extract().jsonPath();
    }

    private static JsonPath speed() {
        return given().queryParam("filter", SPEED).when().get("/api/v1/values").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void openApiAndSwaggerUiAreServed() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body(containsString("\"/api/v1/values\""))
                // The SSE replay is a Vert.x route, described by META-INF/openapi.yaml next to the generated paths.
                .body(containsString("\"/api/v1/replay\""))
                .body(containsString("text/event-stream"))
                .body(containsString("\"/api/v1/replays\""));
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
    }

    @Test
    void prometheusMetricsCoverBrokerAndNamespace() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("uns_mqtt_connections"))
                .body(containsString("uns_mqtt_messages_total"))
                .body(containsString("uns_namespace_live_topics"))
                .body(containsString("uns_opcua_connected{connection=\"demo-plc\"}"));
    }

    @Test
    void theGrafanaDashboardQueriesMetricsTheHubExports() throws Exception {
        String dashboard = Files.readString(Path.of("../deploy/grafana/dashboards/uns-overview.json"));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> names = new ArrayList<>();
        Matcher exprs = Pattern.compile("\"expr\": \"([^\"]*)\"").matcher(dashboard);
        while (exprs.find()) {
            Pattern.compile("\\buns_[a-z0-9_]+").matcher(exprs.group(1)).results().forEach(m -> names.add(m.group()));
        }
        assertThat(names).contains("uns_mqtt_connections", "uns_opcua_connected");
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            // Checked once the module is in this build: some metric of its prefix (uns_opcua_, ...) is exported.
            String module = name.substring(0, name.indexOf('_', 4) + 1);
            if (metrics.contains("\n" + module) && !Pattern.compile("(?m)^" + name + "[{ ]").matcher(metrics).find()) {
                missing.add(name);
            }
        }
        assertThat(missing).as("metrics the dashboard queries but the hub does not export").isEmpty();
    }

    @Test
    void grafanasHistorianDataSourceMatchesTheHubsPgWireSettings() throws Exception {
        String compose = Files.readString(Path.of("../deploy/compose.yaml"));
        String datasources = Files.readString(Path.of("../deploy/grafana/provisioning/datasources/uns.yaml"));
        String dashboard = Files.readString(Path.of("../deploy/grafana/dashboards/uns-overview.json"));
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(compose).contains("UNS_HISTORIAN_PG_ENABLED: \"true\"", "UNS_HISTORIAN_PG_HOST: 0.0.0.0",
                "UNS_HISTORIAN_PG_PORT: \"8812\"");
        List<String> composeKeys = Pattern.compile("\\b(UNS_HISTORIAN_PG_[A-Z_]+):").matcher(compose).results()
                .map(m -> m.group(1)).distinct().toList();
        assertThat(composeKeys).as("hub and Grafana get the listener's settings").contains("UNS_HISTORIAN_PG_USER",
                "UNS_HISTORIAN_PG_PASSWORD");
        for (String key : composeKeys) {
            assertThat(readme).as("%s is a real key (a row of the README's configuration table)", key)
                    .contains("| `" + key + "` |");
        }
        assertThat(datasources).contains("uid: uns-historian", "url: hub:8812", "database: qdb",
                "user: $UNS_HISTORIAN_PG_USER", "password: $UNS_HISTORIAN_PG_PASSWORD");
        assertThat(dashboard).contains("\"uid\": \"uns-historian\"").contains("FROM uns_value\\n")
                .doesNotContain("uns_values");
    }

    @Test
    void theDeployedNamespaceIsTheDocumentedExample() throws Exception {
        assertThat(Files.mismatch(Path.of(DemoProfile.CONFIG_DIR, "namespace.yaml"),
                Path.of("../examples/namespace/two-site-enterprise.yaml"))).as("deploy/config/namespace.yaml "
                + "is a copy of examples/namespace/two-site-enterprise.yaml").isEqualTo(-1L);
    }
}
