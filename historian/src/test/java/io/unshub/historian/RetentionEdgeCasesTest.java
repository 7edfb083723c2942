package io.unshub.historian;

import io.unshub.broker.testing.BrokerFixture;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.query.AggregateBucket;
import io.unshub.historian.query.AggregateQuery;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.historian.retention.RetentionPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.unshub.historian.HistorianFixture.at;
import static io.unshub.historian.HistorianFixture.payloads;
import static io.unshub.historian.HistorianFixture.settings;
import static io.unshub.historian.HistorianFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention groups at their edges: a group nothing writes to any more, numbering after every table was emptied,
 * aggregates over groups with null values, and the retention-split marker (empty, recorded days).
 */
class RetentionEdgeCasesTest {

    private static final String EDGE = "acme/plant1/press/line1/cell1/_edge/spindle/speed";
    private static final String CMD = "acme/plant1/press/_cmd/go";
    private static final long DAY = TimeUnit.DAYS.toMillis(1);

    @RegisterExtension
    final BrokerFixture brokerFixture = new BrokerFixture();

    @TempDir
    Path dir;

    private Historian historian;

    @AfterEach
    void stop() {
        if (historian != null) {
            historian.close();
        }
    }

    private static long today() {
        return LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private void start(RetentionPolicy policy) {
        historian = HistorianFixture.start(settings(dir, policy), brokerFixture.broker().bus());
    }

    private void restart(RetentionPolicy policy) {
        historian.close();
        historian = null;
        start(policy);
    }

    /** Publishes the messages in order and waits until the historian stored them all. */
    private void publish(UnsMessage... messages) {
        long before = historian.status().stored();
        for (UnsMessage message : messages) {
            brokerFixture.broker().bus().publish(message);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() >= before + messages.length);
    }

    private List<HistoryRecord> readAll(String filter) throws Exception {
        return HistorianFixture.readAll(historian.reader(), filter, 100);
    }

    @Test
    void aGroupNoLongerWrittenToLosesItsLastDayTooAndNumberingNeverGoesBack() throws Exception {
        start(new RetentionPolicy(0, Map.of("_edge", 1)));
        long sixDays = today() - 6 * DAY + 1_000;
        long fiveDays = today() - 5 * DAY + 1_000;
        publish(at(sixDays, CMD, value(1, sixDays)), at(sixDays + 1, EDGE, value(2, sixDays + 1)),
                at(fiveDays, EDGE, value(3, fiveDays)));
        long highest = readAll("#").get(2).sequence();
        assertThat(readAll(EDGE)).extracting(HistoryRecord::sequence).endsWith(highest);

        // _edge now follows the default (forever): uns_msg_r1 is left and its newest day is five days old.
        restart(new RetentionPolicy(0, Map.of()));
        // Both days of the left group's raw log and numeric values; the default group keeps everything.
        assertThat(historian.applyRetention()).isEqualTo(4);
        assertThat(readAll(EDGE)).isEmpty();
        assertThat(payloads(readAll("#"))).containsExactly(value(1, sixDays));
        assertThat(historian.applyRetention()).isZero();

        // The newest sequence was only in the emptied group: a restart still numbers above it.
        restart(new RetentionPolicy(0, Map.of()));
        long now = System.currentTimeMillis();
        publish(at(now, CMD, value(4, now)));
        assertThat(readAll("#")).extracting(HistoryRecord::sequence).containsExactly(0L, highest + 1);
    }

    @Test
    void aggregatesOverTwoGroupsSkipNullValuesInEither() throws Exception {
        long t0 = today() - 2 * 60_000; // two whole minutes, yesterday's last
        start(new RetentionPolicy(0, Map.of("_edge", 1)));
        // In uns_value_r1: a NaN (a bare "+NaN" decodes to NaN, stored as null) and 1 in the first minute,
        // only a NaN in the second.
        publish(at(t0, EDGE, "+NaN"), at(t0 + 1_000, EDGE, "1"), at(t0 + 60_000, EDGE, "-NaN"));
        restart(new RetentionPolicy(0, Map.of()));
        // In uns_value: 3 and 5 in the first minute, 7 in the second.
        publish(at(t0 + 2_000, EDGE, "3"), at(t0 + 3_000, EDGE, "5"), at(t0 + 61_000, EDGE, "7"));

        assertThat(bucketValues("avg", t0)).containsExactly(3.0, 7.0);
        assertThat(bucketValues("min", t0)).containsExactly(1.0, 7.0);
        assertThat(bucketValues("max", t0)).containsExactly(5.0, 7.0);
        assertThat(bucketValues("last", t0)).containsExactly(5.0, 7.0);
        assertThat(bucketValues("first", t0).get(1)).isEqualTo(7.0);
        // count counts the rows, null values included, as with one group.
        assertThat(bucketValues("count", t0)).containsExactly(4.0, 2.0);
    }

    private List<Double> bucketValues(String fn, long t0) throws Exception {
        return historian.aggregates().aggregate(new AggregateQuery(EDGE, t0, t0 + 120_000, "1m", fn)).stream()
                .map(AggregateBucket::value).toList();
    }

    @Test
    void anEmptyRetentionSplitFileIsDerivedAgainInsteadOfFailingStartUp() throws Exception {
        start(new RetentionPolicy(0, Map.of()));
        long t = System.currentTimeMillis() - 1_000;
        publish(at(t, CMD, value(1, t)));
        historian.close();
        historian = null;
        Path split = dir.resolve("retention-split");
        Files.writeString(split, "");

        start(new RetentionPolicy(0, Map.of()));
        assertThat(historian.store().legacyUntilMillis()).isEqualTo(t);
        assertThat(Files.readString(split)).isEqualTo("legacy-until-ms=" + t + "\nlegacy-days=0\n");
        assertThat(payloads(readAll("#"))).containsExactly(value(1, t));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void rowsFromBeforeTheUpgradeKeepTheLongestRetentionInForceAtTheUpgradeNotALaterOne() throws Exception {
        // A hub without retention groups: one set of tables, no split marker.
        start(new RetentionPolicy(0, Map.of()));
        long fourDays = today() - 4 * DAY + 1_000;
        long twoDays = today() - 2 * DAY + 1_000;
        publish(at(fourDays, EDGE, value(1, fourDays)), at(twoDays, EDGE, value(2, twoDays)));
        historian.close();
        historian = null;
        Files.delete(dir.resolve("retention-split"));

        start(new RetentionPolicy(1, Map.of("_edge", 3)));
        assertThat(historian.store().legacyDays()).isEqualTo(3);
        // Later _edge keeps 5 days; the rows from before the upgrade were promised 3 and keep exactly that.
        restart(new RetentionPolicy(1, Map.of("_edge", 5)));
        assertThat(historian.store().legacyDays()).isEqualTo(3);
        assertThat(historian.applyRetention()).isEqualTo(2);
        assertThat(payloads(readAll("#"))).containsExactly(value(2, twoDays));
    }

    @Test
    void aMarkerWithoutRecordedDaysGetsTheLongestRetentionInForceRecordedOnce() throws Exception {
        start(new RetentionPolicy(2, Map.of("_edge", 4)));
        historian.close();
        historian = null;
        Files.writeString(dir.resolve("retention-split"), "legacy-until-ms=1000\n");

        start(new RetentionPolicy(2, Map.of("_edge", 4)));
        assertThat(historian.store().legacyUntilMillis()).isEqualTo(1000);
        assertThat(historian.store().legacyDays()).isEqualTo(4);
        assertThat(Files.readString(dir.resolve("retention-split"))).isEqualTo("legacy-until-ms=1000\nlegacy-days=4\n");
        restart(new RetentionPolicy(2, Map.of("_edge", 6)));
        assertThat(historian.store().legacyDays()).isEqualTo(4);
    }
}
