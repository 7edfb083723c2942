package io.unshub.sparkplug.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unshub.core.message.UnsMessage;

import java.io.IOException;

/**
 * Digest §4.4: after a restart, the values the projection left in the broker's retained store are last known
 * values of sessions the host no longer knows, so they start STALE until their edge node is born again. Picks the
 * projection's own documents (origin {@code sparkplug}, a {@code quality} field that is not already stale) and
 * republishes each with {@code quality: stale}, {@code timestamp_ms} = the start time and the value's own time in
 * {@code value_timestamp_ms}.
 *
 * <p>Stateless; called once on the lifecycle thread at start.
 */
public final class RestoredValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RestoredValues() {
    }

    /** Marks the restored values stale; returns how many were republished. */
    public static int markStale(Iterable<UnsMessage> retained, UnsProjector projector, long nowMs) {
        int marked = 0;
        for (UnsMessage message : retained) {
            if (!UnsProjector.ORIGIN.equals(message.origin())) {
                continue;
            }
            JsonNode doc;
            try {
                doc = JSON.readTree(message.payload());
            } catch (IOException e) {
                continue;
            }
            if (!(doc instanceof ObjectNode object) || !object.has("quality") || !object.has("timestamp_ms")
                    || "stale".equals(object.get("quality").asText())) {
                continue;
            }
            if (!object.has("value_timestamp_ms")) {
                object.set("value_timestamp_ms", object.get("timestamp_ms"));
            }
            object.put("timestamp_ms", nowMs);
            object.put("quality", "stale");
            try {
                if (projector.publishRetained(message.topic(), JSON.writeValueAsBytes(object))) {
                    marked++;
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return marked;
    }
}
