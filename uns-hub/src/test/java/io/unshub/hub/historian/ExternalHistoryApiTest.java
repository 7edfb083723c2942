package io.unshub.hub.historian;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * /api/v1/history/aggregate with {@code uns.historian.query.target=external}: values go out through the hub's own
 * export to a real QuestDB server and come back from its /exec API; raw history stays embedded; when the server
 * goes away the answer is a 503 with the reason, shown in health and metrics, and the hub stays ready.
 */
@QuarkusTest
@TestProfile(ExternalQueryProfile.class)
class ExternalHistoryApiTest {

    private static final String ENTERPRISE = "ext" + System.nanoTime();
    private static final String SPEED = ENTERPRISE + "/plant1/press/line1/cell1/_edge/speed";
    private static final String TEMP = ENTERPRISE + "/plant1/press/line1/cell1/_edge/temp";
    private static final long T0 = 1_700_000_040_000L; // a whole minute
    private static final int N = 120;

    @Inject
    UnsBus bus;

    @Test
    void aggregatesComeFromTheExternalServerAndItsOutageIsA503WithTheReason() {
        for (int i = 0; i < N; i++) {
            String payload = "{\"value\":" + i + ",\"timestamp_ms\":" + (T0 + i * 1_000L) + ",\"quality\":\"good\"}";
            bus.publish(UnsMessage.of(i % 2 == 0 ? SPEED : TEMP, payload.getBytes(StandardCharsets.UTF_8), 1, false,
                    MessageProperties.NONE, Origin.client("plc-1")));
        }
        // Exported, then applied by the server's WAL jobs: counts arrive when both are done.
        await().atMost(Duration.ofSeconds(30)).until(() -> aggregate(ENTERPRISE + "/#", "1h", "count")
                .getList("series.buckets.flatten().count", Long.class).equals(List.of(60L, 60L)));
        JsonPath avg = aggregate(SPEED, "1m", "avg");
        assertThat(avg.getList("series.topic", String.class)).containsExactly(SPEED);
        assertThat(avg.getList("series[0].buckets.value", Double.class)).containsExactly(29.0, 89.0); // even 0..58, 60..118
        assertThat(avg.getList("series[0].buckets.ts", Long.class)).containsExactly(T0, T0 + 60_000);

        // Raw history keeps reading the embedded store.
        given().queryParam("filter", ENTERPRISE + "/#").queryParam("limit", 5).get("/api/v1/history")
                .then().statusCode(200).body("items.size()", equalTo(5));
        // Same validation as the embedded reader.
        badAggregate("every", "1 minute", "every");
        badAggregate("fn", "median", "fn must be");
        badAggregate("filter", "+x/y", "'+'");
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'historian' }.data.queryTarget", equalTo("external"))
                .body("checks.find { it.name == 'historian' }.data.queryLastOk", equalTo(true));

        ExternalQuestDbResource.stopServer();
        given().queryParam("filter", SPEED).queryParam("from", T0).queryParam("to", T0 + N * 1_000L)
                .queryParam("every", "1m").queryParam("fn", "avg").get("/api/v1/history/aggregate")
                .then().statusCode(503).body("error", equalTo("history unavailable"))
                .body("detail", containsString("unreachable"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'historian' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'historian' }.data.queryLastOk", equalTo(false))
                .body("checks.find { it.name == 'historian' }.data.queryLastError", containsString("unreachable"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(sample(metrics, "uns_historian_external_query_unreachable_total")).isEqualTo(1.0);
        assertThat(sample(metrics, "uns_historian_external_query_errors_total")).isZero();
        assertThat(sample(metrics, "uns_historian_external_query_up")).isZero();
        assertThat(sample(metrics, "uns_historian_external_query_requests_total")).isGreaterThanOrEqualTo(3.0);
    }

    private static JsonPath aggregate(String filter, String every, String fn) {
        return given().queryParam("filter", filter).queryParam("from", T0).queryParam("to", T0 + N * 1_000L)
                .queryParam("every", every).queryParam("fn", fn).get("/api/v1/history/aggregate")
                .then().statusCode(200).extract().jsonPath();
    }

    private static void badAggregate(String param, String value, String detail) {
        Map<String, Object> params = new HashMap<>(Map.of("from", T0, "to", T0 + 1_000, "every", "1m", "fn", "avg",
                "filter", "#"));
        params.put(param, value);
        given().queryParams(params).get("/api/v1/history/aggregate").then().statusCode(400)
                .body("error", equalTo("bad request")).body("detail", containsString(detail));
    }

    /** The value of an untagged Prometheus sample. */
    private static double sample(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError(name + " missing"));
    }
}
