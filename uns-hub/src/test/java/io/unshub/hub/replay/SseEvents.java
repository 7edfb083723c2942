package io.unshub.hub.replay;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A small Server-Sent Events reader over the JDK's HTTP client: reads a stream to its end, noting when each event arrived. */
final class SseEvents {

    /** One event as the wire carried it; {@code name} is null for default ("message") events. */
    record Event(String id, String name, String data, long arrivedNanos) {
    }

    record Stream(int status, String contentType, List<Event> events, String body) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SseEvents() {
    }

    static Stream read(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "text/event-stream");
        headers.forEach(request::header);
        HttpResponse<java.io.InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() != 200) {
            return new Stream(response.statusCode(), contentType, List.of(),
                    new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        List<Event> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name, data.toString(), System.nanoTime()));
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    String chunk = line.substring(5);
                    chunk = chunk.startsWith(" ") ? chunk.substring(1) : chunk;
                    data = data == null ? new StringBuilder(chunk) : data.append('\n').append(chunk);
                }
            }
        }
        return new Stream(200, contentType, events, null);
    }
}
