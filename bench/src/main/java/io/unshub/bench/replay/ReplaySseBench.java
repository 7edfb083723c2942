package io.unshub.bench.replay;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.unshub.bench.load.ProcStats;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The replay bench: fills a running hub's historian with {@code --messages} MQTT messages under
 * {@code bench/replay/<run>/...} (QoS 1, a window of acknowledged publishes), then replays them at speed 0 over
 * {@code GET /api/v1/replay} and parses the Server-Sent Events as they arrive (event boundaries, {@code id:}
 * lines, the final {@code end} event), reporting events per second. With {@code --hub-pid} it also reports the
 * hub's CPU time per event, which is what to compare when hub and client share a small machine. See bench/README.md.
 */
public final class ReplaySseBench {

    private ReplaySseBench() {
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int mqttPort = 1883;
        int httpPort = 8080;
        int messages = 1_000_000;
        int rounds = 3;
        long hubPid = -1;
        String run = Long.toString(System.currentTimeMillis());
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--mqtt-port" -> mqttPort = Integer.parseInt(args[i + 1]);
                case "--http-port" -> httpPort = Integer.parseInt(args[i + 1]);
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--run" -> run = args[i + 1];
                case "--hub-pid" -> hubPid = Long.parseLong(args[i + 1]);
                default -> {
                    System.err.println("usage: ReplaySseBench [--host h] [--mqtt-port p] [--http-port p] [--messages n] [--rounds r] [--hub-pid pid]");
                    System.exit(2);
                }
            }
        }
        String prefix = "bench/replay/" + run + "/";
        long from = System.currentTimeMillis() - 1000;
        fill(host, mqttPort, prefix, messages);
        long to = System.currentTimeMillis() + 60_000;
        URI uri = URI.create("http://" + host + ":" + httpPort + "/api/v1/replay?speed=0&from=" + from + "&to=" + to
                + "&filter=" + URLEncoder.encode(prefix + "#", StandardCharsets.UTF_8));
        // Wait until the historian has flushed everything: a replay returns exactly what is stored.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long stored = 0;
        while (System.nanoTime() < deadline) {
            stored = replay(uri, false).events;
            if (stored >= messages) {
                break;
            }
            Thread.sleep(500); // polling the store until the flush, not timing anything
        }
        System.out.printf("stored %,d of %,d messages%n", stored, messages);
        ProcStats hub = hubPid > 0 ? new ProcStats(hubPid, ProcStats.clockTicksPerSecond()) : null;
        for (int round = 1; round <= rounds; round++) {
            double hubCpuBefore = hub == null ? 0 : hub.cpuSeconds();
            Result r = replay(uri, true);
            // Hub CPU per event bounds what one dedicated hub core could serve, independent of the client's share.
            double hubCpuMicrosPerEvent = hub == null ? Double.NaN : (hub.cpuSeconds() - hubCpuBefore) * 1e6 / r.events;
            System.out.printf("round %d: %,d events, %,d bytes in %.3f s = %,.0f events/s (%.1f MB/s), hub CPU %.2f us/event"
                            + " (%,.0f events per hub CPU second), end: %s%n", round, r.events, r.bytes, r.nanos / 1e9,
                    r.events / (r.nanos / 1e9), r.bytes / (r.nanos / 1e9) / 1e6, hubCpuMicrosPerEvent,
                    1e6 / hubCpuMicrosPerEvent, r.end);
            System.out.printf("RESULT,replay-sse,%d,%d,%.3f,%.0f,%.3f%n", round, r.events, r.nanos / 1e9,
                    r.events / (r.nanos / 1e9), hubCpuMicrosPerEvent);
        }
    }

    private static void fill(String host, int port, String prefix, int messages) throws Exception {
        Mqtt5AsyncClient client = Mqtt5Client.builder().identifier("replay-bench-filler").serverHost(host).serverPort(port)
                .buildAsync();
        client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
        String[] topics = new String[100];
        for (int i = 0; i < topics.length; i++) {
            topics[i] = prefix + "line" + (i / 10) + "/_edge/temp" + (i % 10);
        }
        long t0 = System.nanoTime();
        List<CompletableFuture<?>> window = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            byte[] payload = ("{\"value\":" + (i % 1000) + ".5,\"timestamp_ms\":" + System.currentTimeMillis()
                    + ",\"quality\":\"good\",\"unit\":\"degC\"}").getBytes(StandardCharsets.UTF_8);
            window.add(client.publishWith().topic(topics[i % topics.length]).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send());
            if (window.size() == 1000) {
                CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                window.clear();
            }
        }
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("published %,d messages in %.1f s (%,.0f msg/s)%n", messages, s, messages / s);
        client.disconnect().get(10, TimeUnit.SECONDS);
    }

    record Result(long events, long bytes, long nanos, String end) {
    }

    /** One replay read to its end, counting events at their blank-line boundaries. */
    private static Result replay(URI uri, boolean verbose) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long t0 = System.nanoTime();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("replay answered " + response.statusCode() + ": "
                    + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        long events = 0;
        long bytes = 0;
        long lastId = -1;
        boolean endEvent = false;
        StringBuilder end = new StringBuilder();
        byte[] buf = new byte[256 * 1024];
        // A tiny line parser over raw bytes: an event ends at an empty line; "id: n" lines must ascend.
        byte[] line = new byte[64 * 1024];
        int lineLen = 0;
        boolean eventHasData = false;
        try (InputStream in = response.body()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b != '\n') {
                        if (lineLen < line.length) {
                            line[lineLen] = b;
                        }
                        lineLen++;
                        continue;
                    }
                    if (lineLen == 0) {
                        if (eventHasData && !endEvent) {
                            events++;
                        }
                        eventHasData = false;
                    } else if (startsWith(line, lineLen, "id: ")) {
                        long id = 0;
                        for (int k = 4; k < lineLen; k++) {
                            id = id * 10 + (line[k] - '0');
                        }
                        if (id <= lastId) {
                            throw new IllegalStateException("ids out of order: " + id + " after " + lastId);
                        }
                        lastId = id;
                    } else if (startsWith(line, lineLen, "data: ")) {
                        eventHasData = true;
                        if (endEvent) {
                            end.append(new String(line, 6, Math.min(lineLen, line.length) - 6, StandardCharsets.UTF_8));
                        }
                    } else if (startsWith(line, lineLen, "event: end")) {
                        endEvent = true;
                    }
                    lineLen = 0;
                }
            }
        }
        return new Result(events, bytes, System.nanoTime() - t0, end.toString());
    }

    private static boolean startsWith(byte[] line, int len, String prefix) {
        if (len < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
