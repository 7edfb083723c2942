package io.unshub.sparkplug.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON payload of {@code spBv1.0/STATE/<hostId>} (digest §1.4, §2.6): exactly
 * {@code {"online":<bool>,"timestamp":<integer ms>}} when we write it; when reading other hosts' STATE, extra keys
 * are tolerated, and so are the Sparkplug 2.2 strings {@code ONLINE}/{@code OFFLINE} (then without a timestamp).
 *
 * @param timestamp ms since the epoch (UTC); {@code null} only for a legacy string payload
 */
public record StatePayload(boolean online, Long timestamp) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static StatePayload online(long timestamp) {
        return new StatePayload(true, timestamp);
    }

    public static StatePayload offline(long timestamp) {
        return new StatePayload(false, timestamp);
    }

    /** The exact two-key JSON the specification and the TCK's strict reader expect. */
    public byte[] toJson() {
        if (timestamp == null) {
            throw new IllegalStateException("a 3.0 STATE payload needs a timestamp");
        }
        return ("{\"online\":" + online + ",\"timestamp\":" + timestamp + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** The outcome of reading a STATE payload. */
    public sealed interface Parse {
        record Valid(StatePayload state) implements Parse {
        }

        record Invalid(String reason) implements Parse {
        }
    }

    /** Reads a STATE payload; never throws. */
    public static Parse parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8).trim();
        if (text.equals("ONLINE") || text.equals("OFFLINE")) {
            return new Parse.Valid(new StatePayload(text.equals("ONLINE"), null));
        }
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (IOException e) {
            return new Parse.Invalid("STATE payload is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            return new Parse.Invalid("STATE payload is not a JSON object");
        }
        JsonNode online = node.get("online");
        JsonNode timestamp = node.get("timestamp");
        if (online == null || !online.isBoolean()) {
            return new Parse.Invalid("STATE payload needs a boolean 'online'");
        }
        if (timestamp == null || !timestamp.isIntegralNumber() || !timestamp.canConvertToLong()) {
            return new Parse.Invalid("STATE payload needs an integer 'timestamp'");
        }
        return new Parse.Valid(new StatePayload(online.booleanValue(), timestamp.longValue()));
    }
}
