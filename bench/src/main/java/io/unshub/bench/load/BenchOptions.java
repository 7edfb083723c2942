package io.unshub.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Command-line options of {@link LoadGenerator}; {@link #USAGE} documents them. */
final class BenchOptions {

    static final String USAGE = """
            Usage: java -cp <bench jar>:<bench/target/lib/*> io.unshub.bench.load.LoadGenerator --scenario NAME [options]

            Scenarios:
              fan-in    N publishers -> 1 subscriber (topic per publisher, subscriber uses a '+' filter)
              fan-out   1 publisher -> N subscribers (all on one topic)
              p2p       N publisher/subscriber pairs, one topic per pair
              latency   1 publisher -> 1 subscriber at a fixed rate; reports the latency distribution
              idle      open N idle connections; reports time to connect all and broker RSS

            Connection:
              --host H                 broker address (default 127.0.0.1)
              --port P                 broker MQTT port (default 1883)
              --mqtt-version 3|5       3 = MQTT 3.1.1 (default 3)
              --keep-alive S           keep-alive seconds (default 60)
              --session-expiry S       persistent sessions that outlive S seconds offline (default 0: clean
                                       sessions); what a durable broker has to write to disk

            Load shape (fan-in, fan-out, p2p, latency):
              --qos 0|1                (default 1)
              --payload-size BYTES     at least 20 (default 64)
              --publishers N           fan-in publishers (default 100)
              --subscribers N          fan-out subscribers (default 100)
              --pairs N                p2p pairs (default 100)
              --window W               messages a publisher may have in flight, i.e. published but not yet seen by
                                       every subscriber (default 32)
              --warmup S               seconds of load before measuring (default 3)
              --duration S             measured seconds (default 10; upper bound when --messages is given)
              --messages N             stop measuring after N deliveries
              --rate R                 latency: messages per second (default 1000)
              --drain-timeout S        seconds to wait for in-flight messages after the measured phase (default 10)

            Idle connections:
              --connections N          (default 10000)
              --connect-concurrency N  connection attempts in flight at once (default 200)
              --idle-hold S            seconds to hold the connections before sampling RSS (default 5)

            Measurement and output:
              --broker-pid PID         broker process for CPU (/proc/PID/stat) and RSS (/proc/PID/status)
              --broker-label NAME      broker name written to the results (default "broker")
              --results-file PATH      append one CSV row per run (header written when the file is new)
              --run-id ID              groups rows of one comparison run (default: current time)
              --round N                repetition number written to the results (default 1)
              --connect-timeout S      seconds to wait for connections and subscriptions (default 60)
            """;

    private static final Set<String> KNOWN_OPTIONS = Set.of(
            "scenario", "host", "port", "mqtt-version", "keep-alive", "session-expiry", "qos", "payload-size", "publishers",
            "subscribers", "pairs", "window", "warmup", "duration", "messages", "rate", "drain-timeout",
            "connections", "connect-concurrency", "idle-hold", "broker-pid", "broker-label", "results-file",
            "run-id", "round", "connect-timeout");

    final Scenario scenario;
    final String host;
    final int port;
    final int mqttVersion;
    final int keepAliveSeconds;
    final int sessionExpirySeconds;
    final int qos;
    final int payloadSize;
    final int publishers;
    final int subscribers;
    final int pairs;
    final int window;
    final Duration warmup;
    final Duration duration;
    final long messages;
    final int rate;
    final Duration drainTimeout;
    final int connections;
    final int connectConcurrency;
    final Duration idleHold;
    final long brokerPid;
    final String brokerLabel;
    final Path resultsFile;
    final String runId;
    final int round;
    final Duration connectTimeout;

    private BenchOptions(Map<String, String> values) {
        scenario = Scenario.fromCliName(require(values, "scenario"));
        host = values.getOrDefault("host", "127.0.0.1");
        port = intOption(values, "port", 1883, 1, 65535);
        mqttVersion = intOption(values, "mqtt-version", 3, 3, 5);
        if (mqttVersion == 4) {
            throw new IllegalArgumentException("--mqtt-version must be 3 (MQTT 3.1.1) or 5");
        }
        keepAliveSeconds = intOption(values, "keep-alive", 60, 0, 65535);
        sessionExpirySeconds = intOption(values, "session-expiry", 0, 0, Integer.MAX_VALUE);
        qos = intOption(values, "qos", 1, 0, 1);
        payloadSize = intOption(values, "payload-size", 64, BenchPayload.HEADER_BYTES, 256 * 1024 * 1024);
        publishers = intOption(values, "publishers", 100, 1, 100_000);
        subscribers = intOption(values, "subscribers", 100, 1, 100_000);
        pairs = intOption(values, "pairs", 100, 1, 100_000);
        window = intOption(values, "window", 32, 1, 65_535);
        warmup = secondsOption(values, "warmup", 3);
        duration = secondsOption(values, "duration", 10);
        messages = longOption(values, "messages", Long.MAX_VALUE);
        rate = intOption(values, "rate", 1000, 1, 10_000_000);
        drainTimeout = secondsOption(values, "drain-timeout", 10);
        connections = intOption(values, "connections", 10_000, 1, 1_000_000);
        connectConcurrency = intOption(values, "connect-concurrency", 200, 1, 100_000);
        idleHold = secondsOption(values, "idle-hold", 5);
        brokerPid = longOption(values, "broker-pid", -1);
        brokerLabel = values.getOrDefault("broker-label", "broker");
        resultsFile = values.containsKey("results-file") ? Path.of(values.get("results-file")) : null;
        runId = values.getOrDefault("run-id",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        round = intOption(values, "round", 1, 1, Integer.MAX_VALUE);
        connectTimeout = secondsOption(values, "connect-timeout", 60);
    }

    static BenchOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + name + " needs a value");
            }
            if (!KNOWN_OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            values.put(name, value);
        }
        return new BenchOptions(values);
    }

    boolean hasBrokerPid() {
        return brokerPid > 0;
    }

    private static String require(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static int intOption(Map<String, String> values, String name, int defaultValue, int min, int max) {
        long value = longOption(values, name, defaultValue);
        if (value < min || value > max) {
            throw new IllegalArgumentException("--" + name + " must be between " + min + " and " + max);
        }
        return (int) value;
    }

    private static long longOption(Map<String, String> values, String name, long defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, not '" + value + "'");
        }
    }

    private static Duration secondsOption(Map<String, String> values, String name, double defaultSeconds) {
        String value = values.get(name);
        double seconds;
        try {
            seconds = value == null ? defaultSeconds : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number of seconds, not '" + value + "'");
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("--" + name + " must not be negative");
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    /** Client id and topic prefix unique to this run, round and generator process, so runs never mix. */
    String clientPrefix() {
        return "bench-" + runId + "-" + round + "-" + ProcessHandle.current().pid();
    }
}
