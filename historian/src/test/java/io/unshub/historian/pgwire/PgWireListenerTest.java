package io.unshub.historian.pgwire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.historian.Historian;
import io.unshub.historian.RunningHistorian;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static io.unshub.historian.HistorianFixture.message;
import static io.unshub.historian.HistorianFixture.settings;
import static io.unshub.historian.HistorianFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The historian's PostgreSQL wire listener as Grafana uses it: the real PostgreSQL JDBC driver over loopback,
 * the SQL of the shipped dashboard's historian panels against values that went through the real ingest, and
 * the limits: one user with its password, read-only.
 */
class PgWireListenerTest {

    private static final Path DASHBOARD = Path.of("../deploy/grafana/dashboards/uns-overview.json");
    private static final String CELL1 = "acme/dallas/press/line1/cell1/_edge/spindle/speed";
    private static final String CELL2 = "acme/dallas/press/line1/cell2/_edge/spindle/speed";
    private static final String OTHER = "acme/dallas/press/line1/cell1/_edge/temperature";
    private static final String PASSWORD = "s3cret-for-grafana";

    @RegisterExtension
    final BrokerFixture brokerFixture = new BrokerFixture();
    @RegisterExtension
    final RunningHistorian running = new RunningHistorian(brokerFixture);

    @TempDir
    Path dir;

    private Historian historian;
    private PgWireListener listener;

    @BeforeEach
    void start() {
        historian = running.start(settings(dir));
        listener = PgWireListener.start(historian.store().engine(),
                new PgWireSettings("127.0.0.1", 0, "grafana", PASSWORD));
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "20");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + listener.port() + "/qdb", props);
    }

    @Test
    void theDashboardsHistorianPanelsReadIngestedValues() throws Exception {
        long base = System.currentTimeMillis() - 60_000;
        int n = 20;
        for (int i = 0; i < n; i++) {
            brokerFixture.broker().bus().publish(message(CELL1, value(1000 + i, base + i * 1000L)));
            brokerFixture.broker().bus().publish(message(CELL2, value(2000 + i, base + i * 1000L + 500)));
            brokerFixture.broker().bus().publish(message(OTHER, value(40 + i, base + i * 1000L)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() >= 3L * n);

        List<JsonNode> panels = historianTargets();
        assertThat(panels).as("the dashboard has historian panels").isNotEmpty();
        String topicPattern = new ObjectMapper().readTree(DASHBOARD.toFile())
                .at("/templating/list/0/current/value").asText();
        assertThat(topicPattern).isEqualTo("acme/dallas/press/line1/%/_edge/spindle/speed");
        try (Connection c = connect("grafana", PASSWORD); Statement st = c.createStatement()) {
            for (JsonNode target : panels) {
                String sql = grafanaExpand(target.get("rawSql").asText(), topicPattern,
                        Instant.ofEpochMilli(base - 3_600_000), Instant.ofEpochMilli(base + 3_600_000));
                List<String> metrics = new ArrayList<>();
                List<Double> values = new ArrayList<>();
                long previous = Long.MIN_VALUE;
                try (ResultSet rs = st.executeQuery(sql)) {
                    assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("time");
                    while (rs.next()) {
                        long time = rs.getTimestamp("time").getTime();
                        assertThat(time).as("ORDER BY time").isGreaterThanOrEqualTo(previous);
                        previous = time;
                        metrics.add(rs.getString("metric"));
                        values.add(rs.getDouble("value"));
                    }
                }
                assertThat(metrics).as(sql).hasSize(2 * n).containsOnly(CELL1, CELL2);
                assertThat(values).contains(1000.0, 1000.0 + n - 1, 2000.0, 2000.0 + n - 1).allMatch(v -> v >= 1000);
            }
        }
    }

    @Test
    void aWrongPasswordOrQuestDbsBuiltInLoginIsRefused() {
        assertThatThrownBy(() -> connect("grafana", "wrong").close()).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> connect("admin", "quest").close()).isInstanceOf(SQLException.class);
    }

    @Test
    void theUserCanReadButNotWriteOrChangeTheSchema() throws Exception {
        brokerFixture.broker().bus().publish(message(CELL1, value(7, System.currentTimeMillis())));
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() >= 1);
        try (Connection c = connect("grafana", PASSWORD); Statement st = c.createStatement()) {
            for (String write : List.of(
                    "INSERT INTO uns_value (ts, topic, value) VALUES (now(), '" + CELL1 + "', 99.0)",
                    "UPDATE uns_value SET value = 0",
                    "CREATE TABLE sneaky (a INT)",
                    "DROP TABLE uns_value",
                    "TRUNCATE TABLE uns_msg",
                    "ALTER TABLE uns_value DROP COLUMN unit")) {
                assertThatThrownBy(() -> st.execute(write)).as(write).isInstanceOf(SQLException.class)
                        .hasMessageContaining("permission denied");
            }
            try (ResultSet rs = st.executeQuery("SELECT count(), max(value) FROM uns_value")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
                assertThat(rs.getDouble(2)).isEqualTo(7.0);
            }
            try (ResultSet rs = st.executeQuery("SELECT count() FROM tables() WHERE table_name = 'sneaky'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitWaitUntilOneCloses() throws Exception {
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < PgWireListener.MAX_CONNECTIONS; i++) {
                open.add(connect("grafana", PASSWORD));
            }
            Properties quick = new Properties();
            quick.setProperty("user", "grafana");
            quick.setProperty("password", PASSWORD);
            quick.setProperty("sslmode", "disable");
            quick.setProperty("loginTimeout", "2");
            String url = "jdbc:postgresql://127.0.0.1:" + listener.port() + "/qdb";
            assertThatThrownBy(() -> DriverManager.getConnection(url, quick).close())
                    .as("one more than the limit is not served").isInstanceOf(SQLException.class);
            open.removeFirst().close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (Connection again = connect("grafana", PASSWORD); Statement st = again.createStatement();
                     ResultSet rs = st.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue();
                }
            });
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
    }

    @Test
    void portZeroBindsAFreePortAndCloseReleasesIt() throws Exception {
        int port = listener.port();
        assertThat(port).isPositive();
        assertThat(listener.isListening()).isTrue();
        assertThat(workerThreads()).as("the listener's one worker").hasSize(1);
        listener.close();
        listener = null;
        assertThat(workerThreads()).as("close joins the worker").isEmpty();
        Properties props = new Properties();
        props.setProperty("user", "grafana");
        props.setProperty("password", PASSWORD);
        props.setProperty("connectTimeout", "2");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/qdb", props))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void aHostThatIsNotAnIpv4AddressIsRefused() {
        assertThatThrownBy(() -> new PgWireSettings("localhost", 0, "grafana", PASSWORD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'localhost' is not an IPv4 address");
        assertThatThrownBy(() -> new PgWireSettings("127.0.0.256", 0, "grafana", PASSWORD))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static List<String> workerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("pgwire_")).toList();
    }

    /** The targets of the dashboard's panels on the historian data source. */
    private static List<JsonNode> historianTargets() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<JsonNode> targets = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                if ("uns-historian".equals(target.path("datasource").path("uid").asText())) {
                    targets.add(target);
                }
            }
        }
        return targets;
    }

    /**
     * Grafana's PostgreSQL macros as its data source expands them: {@code $__timeFilter(col)} becomes
     * {@code col BETWEEN '<from>' AND '<to>'} in RFC 3339 with nanoseconds, and template variables are
     * substituted as text.
     */
    static String grafanaExpand(String sql, String topic, Instant from, Instant to) {
        DateTimeFormatter rfc3339Nano = DateTimeFormatter.ISO_INSTANT;
        return sql.replaceAll("\\$__timeFilter\\((\\w+)\\)", "$1 BETWEEN '" + rfc3339Nano.format(from.plusNanos(123_456_789))
                        + "' AND '" + rfc3339Nano.format(to) + "'")
                .replace("${topic}", topic).replace("$topic", topic);
    }
}
