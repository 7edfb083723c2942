package io.unshub.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One scenario's outcome. The CSV column order is fixed by {@link Column} so that rows from different scenarios and
 * generator runs line up in one results file; columns a scenario does not measure stay empty.
 */
final class ResultRow {

    enum Column {
        RUN_ID("run_id", "run"),
        ROUND("round", "round"),
        FINISHED_AT("finished_at", "finished at"),
        BROKER("broker", "broker"),
        SCENARIO("scenario", "scenario"),
        MQTT_VERSION("mqtt_version", "MQTT version"),
        QOS("qos", "QoS"),
        PUBLISHERS("publishers", "publishers"),
        SUBSCRIBERS("subscribers", "subscribers"),
        WINDOW("window", "window per publisher"),
        PAYLOAD_BYTES("payload_bytes", "payload bytes"),
        TARGET_RATE("target_rate", "target rate (msg/s)"),
        MEASURED_S("measured_s", "measured seconds"),
        SENT("sent", "messages sent"),
        DELIVERED("delivered", "messages delivered"),
        DELIVERED_PER_S("delivered_per_s", "deliveries per second"),
        LOST("lost", "messages never delivered"),
        ERRORS("errors", "errors"),
        BROKER_CPU_S("broker_cpu_s", "broker CPU seconds"),
        BROKER_CPU_PCT("broker_cpu_pct", "broker CPU % of one core"),
        BROKER_CPU_US_PER_MSG("broker_cpu_us_per_msg", "broker CPU us per delivery"),
        BROKER_RSS_START_MB("broker_rss_start_mb", "broker RSS MiB before"),
        BROKER_RSS_MB("broker_rss_mb", "broker RSS MiB after"),
        BROKER_RSS_PEAK_MB("broker_rss_peak_mb", "broker peak RSS MiB"),
        BROKER_RSS_KB_PER_CONN("broker_rss_kb_per_conn", "broker RSS KiB per connection"),
        GENERATOR_CPU_PCT("generator_cpu_pct", "generator CPU % of one core"),
        OTHER_CPU_PCT("other_cpu_pct", "other processes' CPU % of one core"),
        CONNECTIONS("connections", "connections"),
        CONNECT_MS("connect_ms", "time to connect all (ms)"),
        CONNECTS_PER_S("connects_per_s", "connections per second"),
        LATENCY_P50_US("lat_p50_us", "latency p50 (us)"),
        LATENCY_P90_US("lat_p90_us", "latency p90 (us)"),
        LATENCY_P99_US("lat_p99_us", "latency p99 (us)"),
        LATENCY_P999_US("lat_p999_us", "latency p99.9 (us)"),
        LATENCY_MAX_US("lat_max_us", "latency max (us)");

        private final String csvName;
        private final String description;

        Column(String csvName, String description) {
            this.csvName = csvName;
            this.description = description;
        }
    }

    private final Map<Column, String> values = new EnumMap<>(Column.class);

    ResultRow set(Column column, long value) {
        values.put(column, Long.toString(value));
        return this;
    }

    ResultRow set(Column column, double value) {
        values.put(column, Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "");
        return this;
    }

    ResultRow set(Column column, String value) {
        if (value.contains(",") || value.contains("\n")) {
            throw new IllegalArgumentException(column.csvName + " must not contain commas or newlines: " + value);
        }
        values.put(column, value);
        return this;
    }

    static String csvHeader() {
        return Arrays.stream(Column.values()).map(column -> column.csvName).collect(Collectors.joining(","));
    }

    String toCsv() {
        return Arrays.stream(Column.values())
                .map(column -> values.getOrDefault(column, ""))
                .collect(Collectors.joining(","));
    }

    String toHumanReadable() {
        StringBuilder text = new StringBuilder();
        for (Column column : Column.values()) {
            String value = values.get(column);
            if (value != null && !value.isEmpty()) {
                text.append(String.format(Locale.ROOT, "  %-32s %s%n", column.description, value));
            }
        }
        return text.toString();
    }

    /** True when the scenario neither delivered a message nor held a connection, i.e. the run measured nothing. */
    boolean measuredNothing() {
        return "0".equals(values.get(Column.DELIVERED)) || "0".equals(values.get(Column.CONNECTIONS));
    }

    /**
     * Appends the row, writing the header first if the file is new or empty. A file written with other columns (by an
     * older generator) is moved aside rather than mixed with rows that would not line up with its header.
     */
    void appendTo(Path resultsFile) throws IOException {
        Path parent = resultsFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(resultsFile) && Files.size(resultsFile) > 0 && !hasCurrentHeader(resultsFile)) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
            Path aside = resultsFile.resolveSibling(resultsFile.getFileName() + ".old-columns-" + stamp);
            Files.move(resultsFile, aside);
            System.err.println("note: " + resultsFile + " had other columns; moved it to " + aside);
        }
        boolean needsHeader = !Files.exists(resultsFile) || Files.size(resultsFile) == 0;
        String text = (needsHeader ? csvHeader() + "\n" : "") + toCsv() + "\n";
        Files.writeString(resultsFile, text, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static boolean hasCurrentHeader(Path resultsFile) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(resultsFile, StandardCharsets.UTF_8)) {
            return csvHeader().equals(reader.readLine());
        }
    }
}
