package io.unshub.hub.historian;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.UserProperty;
import io.unshub.historian.query.AggregateBucket;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.hub.api.PayloadView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What /api/v1/history and /api/v1/history/aggregate answer. */
final class HistoryViews {

    private HistoryViews() {
    }

    /** One page of raw messages; {@code nextCursor} is the sequence to pass as {@code cursor} for the next page, null at the end. */
    record Page(List<Item> items, Long nextCursor) {
    }

    /**
     * One stored message.
     *
     * @param seq        its sequence number (the cursor)
     * @param ts         receive time, epoch ms
     * @param time       the same as ISO-8601
     * @param payload    JSON payloads as JSON, text as a string, anything else base64 ({@code encoding} says which)
     * @param properties its MQTT 5 properties, absent when it had none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Item(long seq, long ts, String time, String topic, int qos, boolean retain, String publisher,
                Object payload, String encoding, Properties properties) {

        static Item of(HistoryRecord r) {
            PayloadView payload = PayloadView.of(r.payload());
            return new Item(r.sequence(), r.receivedAtMillis(), Instant.ofEpochMilli(r.receivedAtMillis()).toString(),
                    r.topic(), r.qos(), r.retain(), r.publisher(), payload.value(), payload.encoding(),
                    Properties.of(r.properties()));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Properties(Boolean utf8Payload, Long messageExpirySeconds, String contentType, String responseTopic,
                      String correlationData, List<Map<String, String>> userProperties) {

        static Properties of(MessageProperties p) {
            if (p.isEmpty()) {
                return null;
            }
            List<Map<String, String>> user = null;
            if (!p.userProperties().isEmpty()) {
                user = new ArrayList<>();
                for (UserProperty u : p.userProperties()) {
                    Map<String, String> pair = new LinkedHashMap<>();
                    pair.put("name", u.name());
                    pair.put("value", u.value());
                    user.add(pair);
                }
            }
            return new Properties(p.utf8Payload() ? Boolean.TRUE : null, p.expires() ? p.messageExpirySeconds() : null,
                    p.contentType(), p.responseTopic(),
                    p.correlationData() == null ? null : Base64.getEncoder().encodeToString(p.correlationData()), user);
        }
    }

    /** An aggregate: one series per topic. */
    record Aggregate(String filter, long from, long to, String every, String fn, List<Series> series) {
    }

    record Series(String topic, List<Bucket> buckets) {
    }

    /** @param ts the bucket's start, epoch ms */
    record Bucket(long ts, String time, double value, long count) {
        static Bucket of(AggregateBucket b) {
            return new Bucket(b.startMillis(), Instant.ofEpochMilli(b.startMillis()).toString(), b.value(), b.count());
        }
    }

    static List<Series> series(List<AggregateBucket> buckets) {
        Map<String, List<Bucket>> byTopic = new LinkedHashMap<>();
        for (AggregateBucket b : buckets) {
            byTopic.computeIfAbsent(b.topic(), t -> new ArrayList<>()).add(Bucket.of(b));
        }
        List<Series> series = new ArrayList<>(byTopic.size());
        byTopic.forEach((topic, list) -> series.add(new Series(topic, list)));
        return series;
    }
}
