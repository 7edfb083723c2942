package io.unshub.hub.historian;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryReader;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** /api/v1/history and /history/aggregate with real data in the running hub's embedded store, health and metrics. */
@QuarkusTest
class HistoryApiTest {

    /** The store outlives test runs (target/test-data): every run writes under its own enterprise. */
    private static final String ENTERPRISE = "run" + System.nanoTime();
    private static final String SPEED = ENTERPRISE + "/plant1/press/line1/cell1/_edge/speed";
    private static final String MODE = ENTERPRISE + "/plant1/press/line1/cell1/_state/mode";
    private static final long T0 = 1_700_000_040_000L; // a whole minute
    private static final int N = 120;

    @Inject
    UnsBus bus;

    @Inject
    HistoryReader reader;

    @Inject
    HistorianRuntime runtime;

    @Inject
    io.unshub.hub.lifecycle.StartupBanner banner;

    private static boolean published;
    /** Receive times are now (the raw log's clock never goes backwards); value timestamps are T0 onwards. */
    private static long publishedFrom;

    @BeforeEach
    void publishOnce() throws Exception {
        if (published) {
            return;
        }
        publishedFrom = System.currentTimeMillis();
        for (int i = 0; i < N; i++) {
            String payload = "{\"value\":" + i + ",\"timestamp_ms\":" + (T0 + i * 1_000L) + ",\"quality\":\"good\"}";
            bus.publish(UnsMessage.of(i % 2 == 0 ? SPEED : MODE, payload.getBytes(StandardCharsets.UTF_8), 1, false,
                    MessageProperties.NONE, Origin.client("plc-1")));
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                reader.read(new HistoryRange(ENTERPRISE + "/#", 0, Long.MAX_VALUE, -1, 1000)).size() == N);
        published = true;
    }

    @Test
    void pagesThroughEveryMessageInOrderWithTheCursor() {
        List<Integer> values = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().queryParam("filter", ENTERPRISE + "/#").queryParam("from", publishedFrom)
                    .queryParam("to", Instant.now().plusSeconds(60).toString()).queryParam("limit", 50);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/history").then().statusCode(200).extract().jsonPath();
            values.addAll(page.getList("items.payload.value", Integer.class));
            assertThat(page.getList("items.encoding", String.class)).containsOnly("json");
            assertThat(page.getList("items.publisher", String.class)).containsOnly("plc-1");
            Object next = page.get("nextCursor");
            cursor = next == null ? null : next.toString();
            pages++;
        } while (cursor != null);
        assertThat(values).containsExactlyElementsOf(java.util.stream.IntStream.range(0, N).boxed().toList());
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void answersNdjsonByAcceptOrFormat() {
        String body = given().header("Accept", "application/x-ndjson")
                .queryParam("filter", SPEED).queryParam("limit", 3)
                .get("/api/v1/history").then().statusCode(200)
                .contentType(containsString("application/x-ndjson"))
                .header("X-Next-Cursor", org.hamcrest.Matchers.notNullValue())
                .extract().asString();
        String[] lines = body.strip().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(new JsonPath(lines[2]).getString("topic")).isEqualTo(SPEED);
        assertThat(new JsonPath(lines[2]).getInt("payload.value")).isEqualTo(4);

        String viaFormat = given().queryParam("filter", MODE).queryParam("limit", 2).queryParam("format", "ndjson")
                .get("/api/v1/history").then().statusCode(200).extract().asString();
        assertThat(viaFormat.strip().split("\n")).hasSize(2);
    }

    @Test
    void aggregatesDecodedValuesInBuckets() {
        JsonPath avg = given().queryParam("filter", ENTERPRISE + "/+/+/+/+/_edge/#").queryParam("from", T0)
                .queryParam("to", T0 + N * 1_000L).queryParam("every", "1m").queryParam("fn", "avg")
                .get("/api/v1/history/aggregate").then().statusCode(200).extract().jsonPath();
        assertThat(avg.getList("series.topic", String.class)).containsExactly(SPEED);
        // even values 0..58 in the first minute, 60..118 in the second
        assertThat(avg.getList("series[0].buckets.value", Double.class)).containsExactly(29.0, 89.0);
        assertThat(avg.getList("series[0].buckets.ts", Long.class)).containsExactly(T0, T0 + 60_000);

        JsonPath count = given().queryParam("filter", ENTERPRISE + "/#").queryParam("from", T0)
                .queryParam("to", T0 + N * 1_000L).queryParam("every", "1h").queryParam("fn", "count")
                .get("/api/v1/history/aggregate").then().statusCode(200).extract().jsonPath();
        assertThat(count.getList("series.topic", String.class)).containsExactly(SPEED, MODE);
        assertThat(count.getList("series.buckets.flatten().value", Double.class)).containsExactly(60.0, 60.0);
    }

    @Test
    void thePostgresWireListenerIsOffByDefaultAndOpensNoPort() {
        assertThat(runtime.pgListener()).isNull();
        assertThat(banner.text()).contains("pg wire    off (uns.historian.pg.enabled=false)");
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("no PG wire worker runs").noneMatch(name -> name.startsWith("pgwire_"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'historian' }.data.pgWire", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void refusesBadRequestsWithTheReason() {
        bad(given().queryParam("filter", "a/#/b").queryParam("limit", 5), "/api/v1/history", "'#'");
        bad(given().queryParam("from", T0 + 10).queryParam("to", T0), "/api/v1/history", "from must be before to");
        bad(given().queryParam("from", T0), "/api/v1/history", "needs a limit");
        bad(given().queryParam("from", "yesterday").queryParam("limit", 5), "/api/v1/history", "from must be");
        bad(given().queryParam("limit", 0), "/api/v1/history", "limit");
        bad(given().queryParam("limit", 5).queryParam("cursor", "x"), "/api/v1/history", "cursor");
        bad(given().queryParam("limit", 5).queryParam("format", "xml"), "/api/v1/history", "format");
        bad(given().queryParam("from", T0).queryParam("to", T0 + 1000).queryParam("every", "1 minute")
                .queryParam("fn", "avg"), "/api/v1/history/aggregate", "every");
        bad(given().queryParam("from", T0).queryParam("to", T0 + 1000).queryParam("every", "1m")
                .queryParam("fn", "median"), "/api/v1/history/aggregate", "fn must be");
        bad(given().queryParam("every", "1m").queryParam("fn", "avg"), "/api/v1/history/aggregate", "required");
        bad(given().queryParam("filter", "+x/y").queryParam("from", T0).queryParam("to", T0 + 1000)
                .queryParam("every", "1m").queryParam("fn", "avg"), "/api/v1/history/aggregate", "'+'");
    }

    private static void bad(io.restassured.specification.RequestSpecification request, String path, String detail) {
        request.get(path).then().statusCode(400).body("error", equalTo("bad request"))
                .body("detail", containsString(detail));
    }

    @Test
    void reportsItselfInHealthAndMetrics() {
        given().get("/q/health/ready").then().statusCode(200).body("checks.find { it.name == 'historian' }.status",
                equalTo("UP"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("uns_historian_stored_total", "uns_historian_dropped_total",
                "uns_historian_store_failing", "uns_historian_queued");
    }
}
