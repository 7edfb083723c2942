package io.unshub.historian;

import io.unshub.broker.testing.BrokerFixture;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.historian.retention.RetentionPolicy;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.load.ModelLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.unshub.historian.HistorianFixture.at;
import static io.unshub.historian.HistorianFixture.settings;
import static io.unshub.historian.HistorianFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A commit that fails and is retried after a namespace reload moved a class to another retention group. */
class IngestRetryAcrossReloadTest {

    private static final String EDGE = "acme/plant1/press/line1/cell1/_edge/spindle/speed";
    private static final String STATE = "acme/plant1/press/line1/cell1/_state/mode";

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

    /** The built-in model without the _edge class: its topics become unclassified, stored in the default group. */
    private static CompiledNamespace withoutEdgeClass() throws Exception {
        try (InputStream in = ModelLoader.class.getResourceAsStream("/io/unshub/namespace/builtin-namespace.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String without = yaml.lines().filter(l -> !l.trim().startsWith("_edge:")).reduce("", (a, b) -> a + b + "\n");
            assertThat(without).isNotEqualTo(yaml + "\n");
            return CompiledNamespace.compile(ModelLoader.parse(without, "test"));
        }
    }

    @Test
    void aRetriedBatchKeepsEachMessageInTheGroupChosenFirstSoNothingIsStoredTwiceOrLost() throws Exception {
        AtomicReference<CompiledNamespace> model = new AtomicReference<>(HistorianFixture.BUILT_IN);
        historian = Historian.open(settings(dir, new RetentionPolicy(0, Map.of("_edge", 1, "_state", 3))), model::get);
        historian.start(brokerFixture.broker().bus());
        assertThat(historian.store().groups()).hasSize(3);

        // Every commit into that day of uns_msg_r3 fails (files where its partition directories must go), after
        // uns_msg_r1 committed the _edge message of the same batch.
        LocalDate date = LocalDate.now(ZoneOffset.UTC).plusDays(2);
        long day = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Path table = dir.resolve(historian.store().groups().get(2).raw().getDirName());
        List<Path> blockers = new ArrayList<>();
        blockers.add(table.resolve(date.toString()));
        for (int txn = 0; txn < 10; txn++) {
            blockers.add(table.resolve(date + "." + txn));
        }
        for (Path blocker : blockers) {
            Files.writeString(blocker, "not a partition");
        }
        brokerFixture.broker().bus().publish(at(day + 1_000, EDGE, value(1, day + 1_000)));
        brokerFixture.broker().bus().publish(at(day + 2_000, STATE, value(2, day + 2_000)));
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().failing());

        // A namespace reload between two attempts: _edge topics now belong to the default group.
        model.set(withoutEdgeClass());
        for (Path blocker : blockers) {
            Files.delete(blocker);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> historian.status().stored() == 2);

        List<HistoryRecord> all = historian.reader().read(new HistoryRange("#", 0, Long.MAX_VALUE, -1, 100));
        assertThat(all).extracting(HistoryRecord::topic).containsExactly(EDGE, STATE);
        assertThat(all).extracting(HistoryRecord::sequence).containsExactly(0L, 1L);
        assertThat(historian.store().queryLong("SELECT count() FROM uns_msg", -1)).isZero();
        assertThat(historian.store().queryLong("SELECT count() FROM uns_msg_r1", -1)).isEqualTo(1);
    }
}
