package io.unshub.historian.query;

import io.questdb.ServerMain;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.historian.Historian;
import io.unshub.historian.HistorianFixture;
import io.unshub.historian.export.ExternalQuestDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static io.unshub.historian.HistorianFixture.message;
import static io.unshub.historian.HistorianFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * Aggregates read from an external QuestDB (a real {@link ServerMain} on a free loopback port) that the real
 * {@code LineProtocolExport} filled: the same requests give exactly the embedded store's buckets for the same data;
 * user input stays a literal; a server that is away or answers with an error is a clear failure.
 */
class ExternalAggregatesTest {

    private static final long T0 = 1_700_000_040_000L; // a whole minute
    private static final int PER_TOPIC = 180;           // one value a second for three minutes
    private static final String SPEED = "acme/plant1/press/line1/cell1/_edge/spindle/speed";
    private static final String OTHER_LINE = "acme/plant1/press/line2/cell1/_edge/spindle/speed";
    private static final String ODD_NAME = "acme/plant1/weld/line1/cell1/_edge/o'brien ü/temp";
    private static final List<String> TOPICS = List.of(SPEED, OTHER_LINE, ODD_NAME);

    @RegisterExtension
    final BrokerFixture brokerFixture = new BrokerFixture();

    @TempDir
    Path dir;

    private ServerMain server;
    private Historian historian;
    private QuestDbHttpAggregates external;

    @AfterEach
    void stop() {
        if (external != null) {
            external.close();
        }
        if (historian != null) {
            historian.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void answersExactlyLikeTheEmbeddedStoreForTheSameExportedData() throws Exception {
        server = ExternalQuestDb.start(dir.resolve("server"), Map.of());
        external = new QuestDbHttpAggregates(settings(ExternalQuestDb.url(server), null, null));
        AggregateQuery all = new AggregateQuery("#", T0, T0 + 3_600_000, "1d", "count");
        assertThat(external.aggregate(all)).as("nothing exported yet: no table, no buckets").isEmpty();

        historian = HistorianFixture.start(HistorianFixture.settings(dir.resolve("hub"), ExternalQuestDb.exportTo(server, 500)),
                brokerFixture.broker().bus());
        for (int i = 0; i < PER_TOPIC; i++) {
            for (int t = 0; t < TOPICS.size(); t++) {
                // uneven values and decimals, so avg/first/last and rounding all show
                double v = t * 100 + (i * 7 % 23) * 0.1 + (i % 5 == 0 ? -3.3 : 0);
                PublishOutcome outcome = brokerFixture.broker().bus().publish(message(TOPICS.get(t), value(v, T0 + i * 1_000L)));
                assertThat(outcome.accepted()).as(outcome.toString()).isTrue();
            }
        }
        brokerFixture.broker().bus().publish(message("acme/plant1/press/line1/cell1/_state/mode",
                "{\"value\":\"RUN\",\"timestamp_ms\":" + T0 + "}")); // text: neither side aggregates it
        int n = PER_TOPIC * TOPICS.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> total(historian.aggregates().aggregate(all)) == n);
        await().atMost(Duration.ofSeconds(30)).until(() -> total(external.aggregate(all)) == n);

        int compared = 0;
        for (String fn : AggregateQuery.FUNCTIONS) {
            for (String[] filterAndEvery : new String[][]{{"#", "1m"}, {"acme/+/press/#", "30s"}, {SPEED, "10s"},
                    {ODD_NAME, "1m"}, {"acme/plant1/+/line1/#", "500T"}}) {
                for (long[] range : new long[][]{{T0, T0 + PER_TOPIC * 1_000L}, {T0 + 15_500, T0 + 100_000}}) {
                    AggregateQuery q = new AggregateQuery(filterAndEvery[0], range[0], range[1], filterAndEvery[1], fn);
                    List<AggregateBucket> embedded = historian.aggregates().aggregate(q);
                    assertThat(embedded).as("embedded %s", q).isNotEmpty();
                    assertThat(external.aggregate(q)).as("external %s", q).isEqualTo(embedded);
                    compared += embedded.size();
                }
            }
        }
        assertThat(compared).isGreaterThan(1_000);
        assertThat(external.aggregate(new AggregateQuery(ODD_NAME, T0, T0 + 60_000, "1m", "count")))
                .containsExactly(new AggregateBucket(ODD_NAME, T0, 60, 60));

        // Filters are user input: quotes stay inside the literal, nothing else runs.
        long requests = external.status().requests();
        for (String hostile : List.of(SPEED + "' OR '1'='1", "x'; DROP TABLE uns_value; --",
                "acme/+/x' OR topic ~ '.*/#", "acme/plant1/weld/line1/cell1/_edge/o''brien ü/temp")) {
            AggregateQuery q = new AggregateQuery(hostile, T0, T0 + 3_600_000, "1m", "count");
            assertThat(external.aggregate(q)).as(hostile).isEmpty();
            assertThat(historian.aggregates().aggregate(q)).as(hostile).isEmpty();
        }
        assertThat(total(external.aggregate(all))).isEqualTo(n);
        assertThatThrownBy(() -> external.aggregate(new AggregateQuery("a/#/b", T0, T0 + 1, "1m", "avg")))
                .isInstanceOf(IllegalArgumentException.class);
        ExternalQueryStatus status = external.status();
        assertThat(status.requests()).as("a malformed filter is refused before any request").isEqualTo(requests + 5);
        assertThat(status.unreachable()).isZero();
        assertThat(status.errors()).isZero();
        assertThat(status.lastQueryOk()).isTrue();
    }

    @Test
    void anUnreachableServerIsAHistoryExceptionThatSaysSo() throws Exception {
        String url = "http://127.0.0.1:" + ExternalQuestDb.freePort();
        external = new QuestDbHttpAggregates(settings(url, null, null));
        assertThat(external.status().lastQueryOk()).isNull();
        assertThatThrownBy(() -> external.aggregate(new AggregateQuery("#", T0, T0 + 60_000, "1m", "avg")))
                .isInstanceOf(HistoryException.class)
                .isNotInstanceOf(UpstreamQueryException.class)
                .hasMessageContaining(url).hasMessageContaining("unreachable");
        ExternalQueryStatus status = external.status();
        assertThat(status.unreachable()).isEqualTo(1);
        assertThat(status.lastQueryOk()).isFalse();
        assertThat(status.lastError()).contains("unreachable");
    }

    @Test
    void aServerThatAnswersWithAnErrorIsAnUpstreamError() throws Exception {
        server = ExternalQuestDb.start(dir.resolve("secured"), Map.of("QDB_HTTP_USER", "hub", "QDB_HTTP_PASSWORD", "s3cret"));
        AggregateQuery q = new AggregateQuery("#", T0, T0 + 60_000, "1m", "max");
        String url = ExternalQuestDb.url(server);

        external = new QuestDbHttpAggregates(settings(url, "hub", "wrong"));
        assertThatThrownBy(() -> external.aggregate(q)).isInstanceOf(UpstreamQueryException.class)
                .hasMessageContaining("refused the credentials");
        assertThat(external.status().errors()).isEqualTo(1);
        external.close();

        external = new QuestDbHttpAggregates(settings(url + "/not-questdb", "hub", "s3cret"));
        assertThatThrownBy(() -> external.aggregate(q)).isInstanceOf(UpstreamQueryException.class)
                .hasMessageContaining("HTTP 404");
        external.close();

        external = new QuestDbHttpAggregates(settings(url, "hub", "s3cret"));
        assertThat(external.aggregate(q)).as("right credentials, nothing exported yet").isEmpty();
        assertThat(external.status().lastQueryOk()).isTrue();
    }

    @Test
    void aServerThatStallsMidBodyTimesOutInsteadOfHoldingTheCaller() throws Exception {
        try (ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch done = new CountDownLatch(1);
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket socket = stalling.accept()) {
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100000\r\n\r\n{\"columns\":[").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    done.await(); // headers and a bit of body, then nothing until the test is over
                } catch (Exception e) {
                    // the test closed the socket
                }
            });
            String url = "http://127.0.0.1:" + stalling.getLocalPort();
            external = new QuestDbHttpAggregates(new ExternalQuerySettings(URI.create(url), null, null, null,
                    Duration.ofMillis(300)));
            try {
                // The guard only keeps a hanging implementation from hanging the build; it is not a timing claim.
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
                        () -> external.aggregate(new AggregateQuery("#", T0, T0 + 60_000, "1m", "avg")))
                        .isInstanceOf(HistoryException.class)
                        .isNotInstanceOf(UpstreamQueryException.class)
                        .hasMessageContaining(url).hasMessageContaining("timed out"));
            } finally {
                done.countDown();
                server.join(5_000);
            }
            assertThat(external.status().unreachable()).isEqualTo(1);
            assertThat(external.status().lastQueryOk()).isFalse();
        }
    }

    private static ExternalQuerySettings settings(String url, String user, String password) {
        return new ExternalQuerySettings(URI.create(url), user, password, null, Duration.ofSeconds(5));
    }

    private static long total(List<AggregateBucket> buckets) {
        long n = 0;
        for (AggregateBucket b : buckets) {
            n += b.count();
        }
        return n;
    }
}
