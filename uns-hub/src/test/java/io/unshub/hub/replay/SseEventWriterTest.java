package io.unshub.hub.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.core.message.MessageProperties;
import io.unshub.historian.query.HistoryRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written event JSON, read back by Jackson, must carry exactly what was stored. */
class SseEventWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void randomTopicsPublishersAndPayloadsSurviveTheHandWrittenJson() throws Exception {
        Random random = new Random(42);
        List<HistoryRecord> records = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            // A few repeating names exercise the name cache, random ones its collisions.
            String topic = i % 3 == 0 ? "acme/plant1/line" + (i % 7) + "/_edge/t\"" + (i % 5) : randomText(random, 30);
            String publisher = i % 4 == 0 ? null : (i % 2 == 0 ? "client-" + (i % 3) : randomText(random, 10));
            byte[] payload = i % 5 == 0 ? randomBytes(random, 40) : randomText(random, 60).getBytes(StandardCharsets.UTF_8);
            records.add(new HistoryRecord(random.nextLong(Long.MAX_VALUE), random.nextLong(1L << 42), topic, payload,
                    i % 3, i % 2 == 0, MessageProperties.NONE, publisher));
        }
        SseEventWriter writer = new SseEventWriter(64);
        for (HistoryRecord record : records) {
            writer.record(record);
        }
        int written = writer.size();
        String[] events = new String(writer.take(), 0, written, StandardCharsets.UTF_8).split("\n\n");
        assertThat(events).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) {
            HistoryRecord expected = records.get(i);
            String[] lines = events[i].split("\n");
            assertThat(lines[0]).isEqualTo("id: " + expected.sequence());
            assertThat(lines[1]).startsWith("data: ");
            JsonNode data = JSON.readTree(lines[1].substring("data: ".length()));
            assertThat(data.get("sequence").asLong()).isEqualTo(expected.sequence());
            assertThat(data.get("timestamp_ms").asLong()).isEqualTo(expected.receivedAtMillis());
            assertThat(data.get("topic").asText()).isEqualTo(expected.topic());
            assertThat(data.get("qos").asInt()).isEqualTo(expected.qos());
            assertThat(data.get("retain").asBoolean()).isEqualTo(expected.retain());
            if (expected.publisher() == null) {
                assertThat(data.get("publisher").isNull()).isTrue();
            } else {
                assertThat(data.get("publisher").asText()).isEqualTo(expected.publisher());
            }
            byte[] payload = data.get("encoding").asText().equals("base64")
                    ? Base64.getDecoder().decode(data.get("payload").asText())
                    : data.get("payload").asText().getBytes(StandardCharsets.UTF_8);
            assertThat(payload).isEqualTo(expected.payload());
        }
    }

    /** Text with JSON's special characters, controls, two- to four-byte UTF-8 and, rarely, a lone surrogate. */
    private static String randomText(Random random, int maxLength) {
        String specials = "\"\\/\n\r\t\b\f\u0000\u001f\u007fé€\uD83D";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                text.append((char) (' ' + random.nextInt(95)));
            } else if (kind < 8) {
                text.append(specials.charAt(random.nextInt(specials.length())));
            } else {
                text.appendCodePoint(0x1F600 + random.nextInt(50));
            }
        }
        return text.toString();
    }

    private static byte[] randomBytes(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength) + 1];
        random.nextBytes(bytes);
        return bytes;
    }
}
