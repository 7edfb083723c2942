package io.unshub.historian.export;

import io.questdb.ServerMain;
import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.cairo.security.AllowAllSecurityContext;
import io.questdb.griffin.SqlExecutionContext;
import io.questdb.griffin.SqlExecutionContextImpl;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.historian.Historian;
import io.unshub.historian.HistorianFixture;
import io.unshub.historian.RunningHistorian;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.unshub.historian.HistorianFixture.message;
import static io.unshub.historian.HistorianFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The export against a real server speaking the InfluxDB v2 write API: a second QuestDB, embedded with its
 * HTTP server on a free loopback port, receiving /api/v2/write from influxdb-client-java.
 */
class QuestDbExportTest {

    private static final String SPEED = "acme/plant1/press/line1/cell1/_edge/spindle/speed";

    @RegisterExtension
    final BrokerFixture brokerFixture = new BrokerFixture();
    @RegisterExtension
    final RunningHistorian running = new RunningHistorian(brokerFixture);

    @TempDir
    Path dir;

    private ServerMain server;
    private Historian historian;

    @BeforeEach
    void startServer() throws Exception {
        server = ExternalQuestDb.start(dir.resolve("server"), Map.of());
    }

    @AfterEach
    void stop() {
        running.stop(); // before the server it exports to
        if (server != null) {
            server.close();
        }
    }

    @Test
    void decodedValuesArriveAsLineProtocol() throws Exception {
        historian = running.start(HistorianFixture.settings(dir.resolve("hub"), ExternalQuestDb.exportTo(server, 100)));
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < 50; i++) {
            brokerFixture.broker().bus().publish(message(SPEED, value(i, t0 + i)));
        }
        brokerFixture.broker().bus().publish(message("acme/plant1/press/line1/cell1/_state/mode",
                "{\"value\":\"RUN, \\\"fast\\\"\",\"timestamp_ms\":" + t0 + ",\"quality\":\"bad\"}"));
        brokerFixture.broker().bus().publish(message("acme/plant1/press/_raw/blob", "{\"value\":1}")); // not historized

        await().atMost(Duration.ofSeconds(30)).until(() -> historian.exportStatus().written() >= 51);
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("SELECT count() FROM uns_value").equals(List.of("50")));
        assertThat(rows("SELECT site, line, class, tag, value, quality, unit FROM uns_value WHERE value = 7"))
                .containsExactly("plant1|line1|_edge|spindle/speed|7.0|0|rpm");
        assertThat(rows("SELECT timestamp FROM uns_value WHERE value = 7"))
                .containsExactly("1700000000007000"); // the payload's timestamp_ms
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("SELECT value, quality FROM uns_value_str")
                .equals(List.of("RUN, \"fast\"|2")));
        ExportStatus status = historian.exportStatus();
        assertThat(status.submitted()).isEqualTo(51);
        assertThat(status.pending()).isZero();
        assertThat(status.failed()).isZero();
    }

    @Test
    void aServerThatIsAwayIsRetriedAndCountedWithoutBlockingIngest() throws Exception {
        int deadPort = ExternalQuestDb.freePort();
        ExportSettings export = new ExportSettings("http://127.0.0.1:" + deadPort, "", "uns", "uns", 10,
                Duration.ofMillis(50), 1_000, 1, Duration.ofMillis(200));
        historian = running.start(HistorianFixture.settings(dir.resolve("hub"), export));
        for (int i = 0; i < 20; i++) {
            brokerFixture.broker().bus().publish(message(SPEED, value(i, 1_700_000_000_000L + i)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() == 20);
        await().atMost(Duration.ofSeconds(30)).until(() -> historian.exportStatus().failed() > 0);
        ExportStatus status = historian.exportStatus();
        assertThat(status.written()).isZero();
        assertThat(status.pending()).isEqualTo(20);
        assertThat(status.lastError()).isNotNull();
    }

    private List<String> rows(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (SqlExecutionContext ctx = new SqlExecutionContextImpl(server.getEngine(), 1)
                .with(AllowAllSecurityContext.INSTANCE, null);
             RecordCursorFactory f = server.getEngine().select(sql, ctx);
             RecordCursor c = f.getCursor(ctx)) {
            Record r = c.getRecord();
            int columns = f.getMetadata().getColumnCount();
            while (c.hasNext()) {
                StringBuilder row = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    if (i > 0) {
                        row.append('|');
                    }
                    row.append(text(f, r, i));
                }
                rows.add(row.toString());
            }
        } catch (io.questdb.griffin.SqlException e) {
            if (e.getMessage().contains("does not exist")) {
                return rows; // not created by the first write yet
            }
            throw e;
        }
        return rows;
    }

    private static String text(RecordCursorFactory f, Record r, int i) {
        int type = f.getMetadata().getColumnType(i);
        return switch (io.questdb.cairo.ColumnType.tagOf(type)) {
            case io.questdb.cairo.ColumnType.SYMBOL -> String.valueOf(r.getSymA(i));
            case io.questdb.cairo.ColumnType.STRING -> String.valueOf(r.getStrA(i));
            case io.questdb.cairo.ColumnType.VARCHAR -> io.questdb.std.str.Utf8s.toString(r.getVarcharA(i));
            case io.questdb.cairo.ColumnType.DOUBLE -> Double.toString(r.getDouble(i));
            case io.questdb.cairo.ColumnType.LONG -> Long.toString(r.getLong(i));
            case io.questdb.cairo.ColumnType.TIMESTAMP -> Long.toString(r.getTimestamp(i)); // micros
            default -> "?" + io.questdb.cairo.ColumnType.nameOf(type);
        };
    }
}
