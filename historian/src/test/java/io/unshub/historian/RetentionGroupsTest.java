package io.unshub.historian;

import io.unshub.broker.testing.BrokerFixture;
import io.unshub.historian.query.AggregateBucket;
import io.unshub.historian.query.AggregateQuery;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.historian.replay.ReplayEngine;
import io.unshub.historian.replay.ReplayRequest;
import io.unshub.historian.replay.ReplayRun;
import io.unshub.historian.replay.ReplaySink;
import io.unshub.historian.retention.RetentionPolicy;
import io.unshub.historian.store.HistorianStore;
import io.unshub.historian.store.TableGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.unshub.historian.HistorianFixture.at;
import static io.unshub.historian.HistorianFixture.payloads;
import static io.unshub.historian.HistorianFixture.settings;
import static io.unshub.historian.HistorianFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Retention per class: one set of tables per distinct day count, expired on its own, read as one log. */
class RetentionGroupsTest {

    private static final String EDGE = "acme/plant1/press/line1/cell1/_edge/spindle/speed";
    private static final String STATE = "acme/plant1/press/line1/cell1/_state/mode";
    private static final String CMD = "acme/plant1/press/_cmd/go";
    private static final long DAY = TimeUnit.DAYS.toMillis(1);
    /** _edge keeps 1 day, _state 3, every other class the default 2. */
    private static final RetentionPolicy POLICY = new RetentionPolicy(2, Map.of("_edge", 1, "_state", 3, "_kpi", 2));

    @RegisterExtension
    final BrokerFixture brokerFixture = new BrokerFixture();
    @RegisterExtension
    final RunningHistorian running = new RunningHistorian(brokerFixture);

    @TempDir
    Path dir;

    private Historian historian;

    private static long today() {
        return LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private void start(RetentionPolicy policy) {
        historian = running.start(settings(dir, policy));
    }

    private void restart(RetentionPolicy policy) {
        running.stop();
        start(policy);
    }

    /** One published message: its age in days, its topic, its payload and its receive time. */
    private record Sent(int age, String topic, String payload, long receivedAt) {
    }

    /** Publishes one value per topic for each age (days before today, oldest first), so sequences cross groups. */
    private List<Sent> publishAges(int... ages) {
        List<Sent> sent = new ArrayList<>();
        for (int age : ages) {
            for (String topic : List.of(EDGE, STATE, CMD)) {
                long t = today() - age * DAY + 1_000 + sent.size();
                sent.add(new Sent(age, topic, value(age, t), t));
                brokerFixture.broker().bus().publish(at(t, topic, value(age, t)));
            }
        }
        long before = historian.status().stored();
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() >= before + sent.size());
        return sent;
    }

    private static List<String> payloadsOf(List<Sent> sent) {
        return sent.stream().map(Sent::payload).toList();
    }

    private List<HistoryRecord> readAll(String filter, int pageSize) throws Exception {
        return HistorianFixture.readAll(historian.reader(), filter, pageSize);
    }

    @Test
    void eachClassLosesExactlyItsOwnOldDaysAndTheRestReadsAsOneLogInSequenceOrder() throws Exception {
        start(POLICY);
        assertThat(historian.store().groups()).extracting(TableGroup::rawName)
                .containsExactly("uns_msg", "uns_msg_r1", "uns_msg_r3");
        assertThat(historian.store().legacyUntilMillis()).isEqualTo(HistorianStore.NO_LEGACY);
        List<Sent> published = publishAges(4, 3, 2, 1, 0);
        assertThat(payloads(readAll("#", 1000))).containsExactlyElementsOf(payloadsOf(published));

        // _edge (1 day): ages 2, 3, 4; _state (3 days): age 4; _cmd (default, 2 days): ages 3, 4. Each in the raw log
        // and the numeric values of its own group.
        assertThat(historian.applyRetention()).isEqualTo(2 * (3 + 1 + 2));
        assertThat(historian.partitionsDropped()).isEqualTo(12);
        List<String> expected = payloadsOf(published.stream().filter(m -> switch (m.topic()) {
            case EDGE -> m.age() <= 1;
            case STATE -> m.age() <= 3;
            default -> m.age() <= 2;
        }).toList());
        assertThat(expected).hasSize(2 + 4 + 3);
        List<HistoryRecord> all = readAll("#", 2);
        assertThat(payloads(all)).containsExactlyElementsOf(expected);
        assertThat(all).extracting(HistoryRecord::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(payloads(readAll("acme/+/press/#", 3))).containsExactlyElementsOf(expected);
        assertThat(readAll(STATE, 1)).extracting(HistoryRecord::topic).hasSize(4).containsOnly(STATE);
        assertThat(readAll("acme/plant1/press/line1/cell1/_edge/#", 5)).hasSize(2);
        assertThat(readAll("nowhere/#", 5)).isEmpty();
        // A second run finds nothing more to drop.
        assertThat(historian.applyRetention()).isZero();

        // A restart keeps it, and numbering continues after the highest sequence of any group.
        long last = all.get(all.size() - 1).sequence();
        restart(POLICY);
        assertThat(payloads(readAll("#", 4))).containsExactlyElementsOf(expected);
        List<String> more = payloadsOf(publishAges(0));
        List<HistoryRecord> after = readAll("#", 1000);
        assertThat(payloads(after)).hasSize(expected.size() + 3).endsWith(more.toArray(String[]::new));
        assertThat(after.subList(after.size() - 3, after.size())).extracting(HistoryRecord::sequence)
                .containsExactly(last + 1, last + 2, last + 3);
    }

    @Test
    void replayMergesTheGroupsInSequenceOrderAcrossPages() throws Exception {
        start(POLICY);
        List<String> published = payloadsOf(publishAges(4, 3, 2, 1, 0));
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try {
            ReplayEngine engine = new ReplayEngine(historian.reader(), workers, timers, 4, 4, 1);
            List<HistoryRecord> seen = new ArrayList<>();
            CountDownLatch finished = new CountDownLatch(1);
            ReplayRun run = engine.start(new ReplayRequest("#", 0, Long.MAX_VALUE, 0, -1), new ReplaySink() {
                @Override
                public boolean ready() {
                    return true;
                }

                @Override
                public boolean emit(HistoryRecord record) {
                    seen.add(record);
                    return true;
                }

                @Override
                public void finished(ReplayRun r) {
                    finished.countDown();
                }
            });
            assertThat(finished.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(run.state()).isEqualTo(ReplayRun.State.COMPLETED);
            assertThat(payloads(seen)).containsExactlyElementsOf(published);
            assertThat(seen).extracting(HistoryRecord::sequence).isSorted().doesNotHaveDuplicates();
        } finally {
            workers.shutdownNow();
            timers.shutdownNow();
        }
    }

    @Test
    void changingAClassRetentionMovesOnlyNewDataAndTheOldGroupStillExpiresAndReads() throws Exception {
        start(POLICY);
        long oldEdge = today() - 3 * DAY + 1_000;
        brokerFixture.broker().bus().publish(at(oldEdge, EDGE, value(100, oldEdge)));
        long t0 = today() - 60_000; // a whole minute (yesterday's last), the same bucket before and after the change
        for (int i = 0; i < 4; i++) {
            brokerFixture.broker().bus().publish(at(t0 + i * 1_000L, EDGE, value(i, t0 + i * 1_000L)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() == 5);

        // _edge now follows the default (2 days): its new data goes to the default group, uns_msg_r1 stays readable.
        restart(new RetentionPolicy(2, Map.of("_state", 3)));
        assertThat(historian.store().groups()).extracting(g -> g.rawName() + ":" + g.days() + ":" + g.inForce())
                .containsExactly("uns_msg:2:true", "uns_msg_r3:3:true", "uns_msg_r1:1:false");
        for (int i = 4; i < 8; i++) {
            brokerFixture.broker().bus().publish(at(t0 + i * 1_000L, EDGE, value(i, t0 + i * 1_000L)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() == 4);

        assertThat(readAll(EDGE, 3)).hasSize(9).extracting(HistoryRecord::sequence).isSorted().doesNotHaveDuplicates();
        // The same bucket combined over both groups' value tables.
        AggregateQuery avg = new AggregateQuery(EDGE, t0, t0 + 60_000, "1m", "avg");
        assertThat(historian.aggregates().aggregate(avg)).singleElement()
                .satisfies(b -> assertThat(b.value()).isEqualTo(3.5))
                .satisfies(b -> assertThat(b.count()).isEqualTo(8))
                .satisfies(b -> assertThat(b.startMillis()).isEqualTo(t0));
        assertThat(historian.aggregates().aggregate(new AggregateQuery(EDGE, t0, t0 + 60_000, "1m", "first")))
                .extracting(AggregateBucket::value).containsExactly(0.0);
        assertThat(historian.aggregates().aggregate(new AggregateQuery(EDGE, t0, t0 + 60_000, "1m", "last")))
                .extracting(AggregateBucket::value).containsExactly(7.0);
        assertThat(historian.aggregates().aggregate(new AggregateQuery(EDGE, t0, t0 + 60_000, "1m", "min")))
                .extracting(AggregateBucket::value).containsExactly(0.0);
        assertThat(historian.aggregates().aggregate(new AggregateQuery(EDGE, t0, t0 + 60_000, "1m", "max")))
                .extracting(AggregateBucket::value).containsExactly(7.0);
        assertThat(historian.aggregates().aggregate(new AggregateQuery("acme/#", t0, t0 + 60_000, "30s", "count")))
                .extracting(AggregateBucket::value).containsExactly(8.0);

        // The group left behind still expires by its own day count: the 3-day-old _edge row goes (raw and value).
        assertThat(historian.applyRetention()).isEqualTo(2);
        assertThat(readAll(EDGE, 100)).hasSize(8).extracting(r -> new String(r.payload(), StandardCharsets.UTF_8))
                .noneMatch(p -> p.contains("100.0"));
    }

    @Test
    void afterAnUpgradeTheOnceSharedTablesAreTheDefaultGroupAndKeepTheirRowsByTheLongestRetention() throws Exception {
        // The store as a hub without retention groups left it: one set of tables for every class, no split marker.
        start(new RetentionPolicy(0, Map.of()));
        List<Sent> before = publishAges(4, 2);
        running.stop();
        Files.delete(dir.resolve("retention-split"));

        start(new RetentionPolicy(1, Map.of("_edge", 3)));
        long newest = before.get(before.size() - 1).receivedAt();
        assertThat(historian.store().legacyUntilMillis()).isEqualTo(newest);
        List<Sent> after = publishAges(0);

        // uns_msg keeps the rows from before the upgrade by the longest retention (3 days), whatever their class:
        // the 4-day-old partition goes (raw and values), the 2-day-old one stays although the default is 1 day.
        assertThat(historian.applyRetention()).isEqualTo(2);
        List<Sent> expected = new ArrayList<>(before.subList(3, 6));
        expected.addAll(after);
        assertThat(payloads(readAll("#", 2))).containsExactlyElementsOf(payloadsOf(expected));

        // The marker is written once: a restart does not take newer rows for pre-upgrade ones.
        restart(new RetentionPolicy(1, Map.of("_edge", 3)));
        assertThat(historian.store().legacyUntilMillis()).isEqualTo(newest);
        assertThat(payloads(readAll("#", 1000))).containsExactlyElementsOf(payloadsOf(expected));
    }
}
