package io.unshub.historian;

import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlExecutionContext;
import io.unshub.broker.Broker;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;
import io.unshub.historian.query.AggregateBucket;
import io.unshub.historian.query.AggregateQuery;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.unshub.historian.HistorianFixture.at;
import static io.unshub.historian.HistorianFixture.message;
import static io.unshub.historian.HistorianFixture.settings;
import static io.unshub.historian.HistorianFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HistorianTest {

    private static final String SPEED = "acme/plant1/press/line1/cell1/_edge/spindle/speed";

    @RegisterExtension
    final BrokerFixture brokerFixture = new BrokerFixture();
    @RegisterExtension
    final RunningHistorian running = new RunningHistorian(brokerFixture);

    @TempDir
    Path dir;

    private Historian historian;

    private Broker broker() {
        return brokerFixture.broker();
    }

    private void awaitStored(long count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() >= count);
    }

    private List<HistoryRecord> readAll(String filter) throws Exception {
        return HistorianFixture.readAll(historian.reader(), filter, 97);
    }

    @Test
    void everyPublishedMessageIsReadBackInOrderAcrossARestart() throws Exception {
        historian = running.start(settings(dir));
        int n = 1_500;
        for (int i = 0; i < n; i++) {
            broker().bus().publish(message("acme/plant1/press/line1/cell1/_edge/t" + (i % 7), "m-" + i));
        }
        awaitStored(n);
        running.stop();

        historian = running.start(settings(dir));
        for (int i = n; i < 2 * n; i++) {
            broker().bus().publish(message("acme/plant1/press/line1/cell1/_edge/t" + (i % 7), "m-" + i));
        }
        awaitStored(n);

        List<HistoryRecord> all = readAll("#");
        assertThat(all).hasSize(2 * n);
        for (int i = 0; i < 2 * n; i++) {
            HistoryRecord r = all.get(i);
            assertThat(r.sequence()).isEqualTo(i);
            assertThat(new String(r.payload(), StandardCharsets.UTF_8)).isEqualTo("m-" + i);
            assertThat(r.topic()).isEqualTo("acme/plant1/press/line1/cell1/_edge/t" + (i % 7));
            assertThat(r.publisher()).isEqualTo("test-client");
            assertThat(r.qos()).isEqualTo(1);
        }
        // Per topic, the order is the publish order too.
        List<HistoryRecord> t3 = readAll("acme/+/press/+/cell1/_edge/t3");
        assertThat(t3).extracting(r -> new String(r.payload(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 2 * n).filter(i -> i % 7 == 3)
                        .mapToObj(i -> "m-" + i).toList());
    }

    @Test
    void keepsTheMessageExactlyWithItsMqtt5Properties() throws Exception {
        historian = running.start(settings(dir));
        byte[] binary = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        MessageProperties properties = new MessageProperties(true, 3600, "application/octet-stream", "reply/here",
                new byte[]{9, 8, 7}, List.of(new UserProperty("a", "1"), new UserProperty("a", "2"),
                new UserProperty("k", "v \"q\"")));
        broker().bus().publish(UnsMessage.of(SPEED, binary, 2, true, properties, Origin.client("plc-7")));
        awaitStored(1);

        HistoryRecord r = historian.reader().read(new HistoryRange("#", 0, Long.MAX_VALUE, -1, 10)).get(0);
        assertThat(r.payload()).containsExactly(binary);
        assertThat(r.qos()).isEqualTo(2);
        assertThat(r.retain()).isTrue();
        assertThat(r.publisher()).isEqualTo("plc-7");
        assertThat(r.properties().utf8Payload()).isTrue();
        assertThat(r.properties().messageExpirySeconds()).isEqualTo(3600);
        assertThat(r.properties().contentType()).isEqualTo("application/octet-stream");
        assertThat(r.properties().responseTopic()).isEqualTo("reply/here");
        assertThat(r.properties().correlationData()).containsExactly(9, 8, 7);
        assertThat(r.properties().userProperties()).isEqualTo(properties.userProperties());
    }

    @Test
    void storesWhatTheNamespaceClassesAndTheFilterListsSay() throws Exception {
        historian = running.start(settings(dir, List.of("$SYS/keep/#"),
                List.of("acme/plant1/secret/#"), null));
        broker().bus().publish(message("acme/plant1/press/_raw/scratch", "raw: not historized"));
        broker().bus().publish(message("acme/plant1/secret/_edge/x", "excluded"));
        broker().bus().publish(message("$SYS/other", "dollar, not included"));
        broker().bus().publish(message("$SYS/keep/this", "dollar, included"));
        broker().bus().publish(message(SPEED, "42"));
        awaitStored(2);
        // Published after the others on the same bus: once it is stored, the others had their chance.
        broker().bus().publish(message("acme/plant1/press/_cmd/go", "command: historized"));
        awaitStored(3);

        assertThat(readAll("#")).extracting(HistoryRecord::topic)
                .containsExactly(SPEED, "acme/plant1/press/_cmd/go");
        assertThat(readAll("$SYS/#")).extracting(HistoryRecord::topic).containsExactly("$SYS/keep/this");
    }

    @Test
    void resolvesWildcardFiltersAgainstTheStoredTopicsWithMqttDollarRules() throws Exception {
        historian = running.start(settings(dir, List.of("$SYS/keep/#"), List.of(), null));
        broker().bus().publish(message("$SYS/keep/a", "sys-a"));
        broker().bus().publish(message("$SYS/keep/b/c", "sys-bc"));
        broker().bus().publish(message("acme/plant1/press/_cmd/o'clock", "quote"));
        broker().bus().publish(message(SPEED, "speed"));
        broker().bus().publish(message("$SYS/keep/a", "sys-a2"));
        awaitStored(5);

        assertThat(readAll("#")).extracting(r -> new String(r.payload())).containsExactly("quote", "speed");
        assertThat(readAll("+/keep/#")).isEmpty();
        assertThat(readAll("$SYS/#")).extracting(r -> new String(r.payload())).containsExactly("sys-a", "sys-bc", "sys-a2");
        assertThat(readAll("$SYS/+/a")).extracting(HistoryRecord::topic).containsExactly("$SYS/keep/a", "$SYS/keep/a");
        assertThat(readAll("$SYS/keep/+")).extracting(r -> new String(r.payload())).containsExactly("sys-a", "sys-a2");
        assertThat(readAll("acme/+/press/_cmd/+")).extracting(HistoryRecord::topic)
                .containsExactly("acme/plant1/press/_cmd/o'clock");
        assertThat(readAll("acme/plant1/press/#")).extracting(r -> new String(r.payload())).containsExactly("quote", "speed");
        assertThat(readAll("nowhere/+/#")).isEmpty();

        // Hundreds of matching topics, each matched once per query by its symbol key.
        for (int i = 0; i < 600; i++) {
            broker().bus().publish(message("$SYS/keep/many/" + i, "m" + i));
        }
        awaitStored(605);
        assertThat(readAll("$SYS/keep/many/+")).hasSize(600).extracting(HistoryRecord::topic)
                .startsWith("$SYS/keep/many/0", "$SYS/keep/many/1").endsWith("$SYS/keep/many/599");
        assertThat(readAll("$SYS/keep/+")).extracting(r -> new String(r.payload())).containsExactly("sys-a", "sys-a2");
    }

    @Test
    void pagesByTimeFilterAndCursor() throws Exception {
        historian = running.start(settings(dir));
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < 10; i++) {
            broker().bus().publish(at(t0 + i * 1_000L, i % 2 == 0 ? SPEED : "acme/plant1/press/_state/mode", "v" + i));
        }
        awaitStored(10);

        List<HistoryRecord> window = historian.reader().read(new HistoryRange("#", t0 + 2_000, t0 + 6_000, -1, 100));
        assertThat(window).extracting(r -> new String(r.payload())).containsExactly("v2", "v3", "v4", "v5");
        assertThat(window.get(0).receivedAtMillis()).isEqualTo(t0 + 2_000);

        List<HistoryRecord> speeds = historian.reader().read(new HistoryRange("acme/plant1/press/#", 0, Long.MAX_VALUE, -1, 2));
        assertThat(speeds).extracting(r -> new String(r.payload())).containsExactly("v0", "v1");
        List<HistoryRecord> next = historian.reader().read(new HistoryRange("acme/plant1/press/#", 0, Long.MAX_VALUE,
                speeds.get(1).sequence(), 2));
        assertThat(next).extracting(r -> new String(r.payload())).containsExactly("v2", "v3");

        assertThat(historian.reader().read(new HistoryRange("acme/+/+/_state/#", 0, Long.MAX_VALUE, -1, 100)))
                .extracting(r -> new String(r.payload())).containsExactly("v1", "v3", "v5", "v7", "v9");
        assertThat(historian.reader().read(new HistoryRange("acme/plant1/press/line1", 0, Long.MAX_VALUE, -1, 100))).isEmpty();
        assertThatThrownBy(() -> historian.reader().read(new HistoryRange("a/#/b", 0, Long.MAX_VALUE, -1, 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'#'");
    }

    @Test
    void decodesValuesIntoLocationClassAndTagAndAggregatesThem() throws Exception {
        historian = running.start(settings(dir));
        long t0 = 1_700_000_040_000L; // a whole minute
        for (int i = 0; i < 120; i++) {
            broker().bus().publish(message(SPEED, value(i, t0 + i * 1_000L)));
        }
        broker().bus().publish(message("acme/plant1/press/line1/cell1/_state/mode",
                "{\"value\":\"RUNNING\",\"timestamp_ms\":" + t0 + ",\"quality\":\"uncertain\"}"));
        broker().bus().publish(message("acme/plant1/press/line1/cell1/_edge/bare", "17.5"));
        awaitStored(122);
        assertThat(historian.status().values()).isEqualTo(122);

        try (SqlExecutionContext ctx = historian.store().newContext();
             RecordCursorFactory f = historian.store().engine().select(
                     "SELECT enterprise, site, area, line, cell, class, tag, value, quality FROM uns_value_str", ctx);
             RecordCursor c = f.getCursor(ctx)) {
            assertThat(c.hasNext()).isTrue();
            Record r = c.getRecord();
            List<String> row = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                row.add(r.getSymA(i).toString());
            }
            assertThat(row).containsExactly("acme", "plant1", "press", "line1", "cell1", "_state", "mode");
            assertThat(io.questdb.std.str.Utf8s.toString(r.getVarcharA(7))).isEqualTo("RUNNING");
            assertThat(r.getByte(8)).isEqualTo((byte) 1);
        }

        List<AggregateBucket> avg = historian.aggregates().aggregate(
                new AggregateQuery(SPEED, t0, t0 + 120_000, "1m", "avg"));
        assertThat(avg).hasSize(2);
        assertThat(avg.get(0).startMillis()).isEqualTo(t0);
        assertThat(avg.get(0).value()).isEqualTo(29.5);
        assertThat(avg.get(1).value()).isEqualTo(89.5);
        assertThat(avg.get(0).count()).isEqualTo(60);
        assertThat(historian.aggregates().aggregate(new AggregateQuery(SPEED, t0, t0 + 120_000, "1m", "max")))
                .extracting(AggregateBucket::value).containsExactly(59.0, 119.0);
        assertThat(historian.aggregates().aggregate(new AggregateQuery(SPEED, t0, t0 + 120_000, "30s", "first")))
                .extracting(AggregateBucket::value).containsExactly(0.0, 30.0, 60.0, 90.0);
        assertThat(historian.aggregates().aggregate(new AggregateQuery("acme/#", t0, t0 + 120_000, "1h", "count")))
                .extracting(AggregateBucket::topic).containsExactly(SPEED);
        assertThatThrownBy(() -> new AggregateQuery(SPEED, t0, t0 + 1, "1 minute", "avg"))
                .hasMessageContaining("every");
        assertThatThrownBy(() -> new AggregateQuery(SPEED, t0, t0 + 1, "1m", "median"))
                .hasMessageContaining("fn");
    }

    @Test
    void aFailingStoreIsReportedAndIngestRecoversWhenItClears() throws Exception {
        historian = running.start(settings(dir));
        broker().bus().publish(message(SPEED, "before"));
        awaitStored(1);
        // Files where the day's partition directory must go (QuestDB tries "<day>" and "<day>.<txn>"): every
        // commit into that day fails, as on a full or broken disk, until the files are gone.
        long day = LocalDate.now(ZoneOffset.UTC).plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Path table = dir.resolve(historian.store().raw().getDirName());
        String dayName = LocalDate.now(ZoneOffset.UTC).plusDays(2).toString();
        List<Path> blockers = new ArrayList<>();
        blockers.add(table.resolve(dayName));
        for (int txn = 0; txn < 10; txn++) {
            blockers.add(table.resolve(dayName + "." + txn));
        }
        for (Path blocker : blockers) {
            java.nio.file.Files.writeString(blocker, "not a partition");
        }
        broker().bus().publish(at(day + 1_000, SPEED, "during"));
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().failing());
        assertThat(historian.status().lastError()).isNotBlank();
        assertThat(historian.status().failures()).isPositive();
        assertThat(historian.status().stored()).isEqualTo(1);

        for (Path blocker : blockers) {
            java.nio.file.Files.delete(blocker);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() == 2);
        assertThat(historian.status().failing()).isFalse();
        assertThat(readAll("#")).extracting(r -> new String(r.payload())).containsExactly("before", "during");
    }
}
