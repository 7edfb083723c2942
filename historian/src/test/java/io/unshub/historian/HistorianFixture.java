package io.unshub.historian;

import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.export.ExportSettings;
import io.unshub.historian.query.HistoryException;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryReader;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.historian.ingest.IngestSettings;
import io.unshub.historian.retention.RetentionPolicy;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.load.ModelLoader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds historians for tests: the built-in namespace model, a short flush interval, the store in a temp dir. */
public final class HistorianFixture {

    public static final CompiledNamespace BUILT_IN = CompiledNamespace.compile(ModelLoader.builtIn());

    private HistorianFixture() {
    }

    public static Historian.Settings settings(Path dir) {
        return settings(dir, List.of(), List.of(), null);
    }

    public static Historian.Settings settings(Path dir, List<String> include, List<String> exclude, ExportSettings export) {
        return new Historian.Settings(dir, new IngestSettings(100_000, 1_000, Duration.ofMillis(100), Duration.ofMillis(500)),
                include, exclude, true, new RetentionPolicy(0, Map.of()), Duration.ofHours(1), export);
    }

    /** {@link #settings(Path)} with the decoded values also exported as {@code export} says. */
    public static Historian.Settings settings(Path dir, ExportSettings export) {
        return settings(dir, List.of(), List.of(), export);
    }

    /** {@link #settings(Path)} with {@code retention} instead of keeping everything forever. */
    public static Historian.Settings settings(Path dir, RetentionPolicy retention) {
        Historian.Settings base = settings(dir);
        return new Historian.Settings(dir, base.ingest(), base.include(), base.exclude(), base.storeUnclassified(),
                retention, base.retentionInterval(), base.export());
    }

    public static Historian start(Historian.Settings settings, UnsBus bus) {
        Historian historian = Historian.open(settings, () -> BUILT_IN);
        historian.start(bus);
        return historian;
    }

    public static UnsMessage message(String topic, String payload) {
        return UnsMessage.of(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, MessageProperties.NONE,
                Origin.client("test-client"));
    }

    public static UnsMessage at(long receivedAtMillis, String topic, String payload) {
        return new UnsMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 0, false, MessageProperties.NONE,
                Origin.internal("test"), receivedAtMillis, System.nanoTime());
    }

    public static String value(double value, long timestampMillis) {
        return "{\"value\":" + value + ",\"timestamp_ms\":" + timestampMillis + ",\"quality\":\"good\",\"unit\":\"rpm\"}";
    }

    /** Every stored message matching {@code filter}, read page by page after the cursor as a replay pages. */
    public static List<HistoryRecord> readAll(HistoryReader reader, String filter, int pageSize) throws HistoryException {
        List<HistoryRecord> all = new ArrayList<>();
        long cursor = -1;
        while (true) {
            List<HistoryRecord> page = reader.read(new HistoryRange(filter, 0, Long.MAX_VALUE, cursor, pageSize));
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            cursor = page.get(page.size() - 1).sequence();
        }
    }

    /** The payloads as UTF-8 text, in order. */
    public static List<String> payloads(List<HistoryRecord> records) {
        return records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).toList();
    }
}
