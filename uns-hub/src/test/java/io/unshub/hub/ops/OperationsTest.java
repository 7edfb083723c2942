package io.unshub.hub.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.unshub.broker.Broker;
import io.unshub.hub.demo.UnsSimulator;
import io.unshub.hub.lifecycle.StartupBanner;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * What an operator sees of a hub started with the shipped example config and the demo on: the start-up
 * banner, live demo values in the namespace, OpenAPI with Swagger UI, Prometheus metrics.
 */
@QuarkusTest
@TestProfile(DemoProfile.class)
class OperationsTest {

    private static final String SPEED = "acme/dallas/press/line1/cell1/_edge/spindle/speed";

    @Inject
    StartupBanner banner;

    @Inject
    Broker broker;

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
                .contains("auth       anonymous local")
                .contains("logging    text")
                .contains("demo       on: uns-simulator");
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

    private static JsonPath speed() {
        return given().queryParam("filter", SPEED).when().get("/api/v1/values").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void openApiAndSwaggerUiAreServed() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body(containsString("\"/api/v1/values\""));
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
    }

    @Test
    void prometheusMetricsCoverBrokerAndNamespace() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("uns_mqtt_connections"))
                .body(containsString("uns_mqtt_messages_total"))
                .body(containsString("uns_namespace_live_topics"));
    }

    @Test
    void theDeployedNamespaceIsTheDocumentedExample() throws Exception {
        assertThat(Files.mismatch(Path.of(DemoProfile.CONFIG_DIR, "namespace.yaml"),
                Path.of("../examples/namespace/two-site-enterprise.yaml"))).as("deploy/config/namespace.yaml "
                + "is a copy of examples/namespace/two-site-enterprise.yaml").isEqualTo(-1L);
    }
}
