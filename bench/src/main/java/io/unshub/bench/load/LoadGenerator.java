package io.unshub.bench.load;

import io.unshub.bench.load.ResultRow.Column;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * Entry point: runs one scenario against one broker, prints a human-readable summary and one machine-readable line
 * ({@code RESULT,<csv>}, columns as in {@link ResultRow#csvHeader()}), and appends the CSV row to
 * {@code --results-file} when given.
 *
 * <p>Exit status: 0 on success, 1 when the scenario failed or delivered nothing, 2 on bad arguments.
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || Arrays.asList(args).contains("--help")) {
            System.out.print(BenchOptions.USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        int status;
        try {
            status = run(options);
        } catch (Exception e) {
            System.err.println("error: " + options.scenario.cliName() + " against " + options.brokerLabel
                    + " failed: " + e.getMessage());
            e.printStackTrace();
            status = 1;
        }
        // The MQTT client's event loop threads outlive the last connection for a while; do not wait for them.
        System.exit(status);
    }

    private static int run(BenchOptions options) throws InterruptedException, IOException {
        ResourceSampler sampler = new ResourceSampler(options);
        System.out.printf("%s against %s at %s:%d (MQTT %s)%n", options.scenario.cliName(), options.brokerLabel,
                options.host, options.port, options.mqttVersion == 3 ? "3.1.1" : "5");
        ResultRow row = switch (options.scenario) {
            case FAN_IN, FAN_OUT, P2P -> new ThroughputRun(options, sampler).run();
            case LATENCY -> new LatencyRun(options, sampler).run();
            case IDLE -> new IdleConnectionsRun(options, sampler).run();
        };
        row.set(Column.RUN_ID, options.runId)
                .set(Column.ROUND, options.round)
                .set(Column.FINISHED_AT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .set(Column.BROKER, options.brokerLabel)
                .set(Column.SCENARIO, options.scenario.cliName())
                .set(Column.MQTT_VERSION, options.mqttVersion == 3 ? "3.1.1" : "5");

        System.out.print(row.toHumanReadable());
        System.out.println("RESULT_HEADER," + ResultRow.csvHeader());
        System.out.println("RESULT," + row.toCsv());
        if (options.resultsFile != null) {
            row.appendTo(options.resultsFile);
        }
        return row.measuredNothing() ? 1 : 0;
    }
}
