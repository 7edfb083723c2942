package io.unshub.sparkplug.command;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the value of a write on a command topic: either the hub's value document {@code {"value": 42}} or a bare
 * JSON value ({@code 42}, {@code true}, {@code "on"}); text that is not JSON counts as a string. The result is
 * what {@link io.unshub.sparkplug.codec.ValueCoercion} turns into the metric's birth datatype.
 *
 * <p>Stateless and thread-safe.
 */
public final class CommandValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CommandValues() {
    }

    /**
     * The written value (Integer, Long, BigInteger, Double, String, Boolean, List or null).
     *
     * @throws IllegalArgumentException for a JSON object without a {@code value} field
     */
    public static Object read(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8).trim();
        Object value;
        try {
            value = JSON.readValue(text, Object.class);
        } catch (IOException e) {
            return text;
        }
        if (value instanceof Map<?, ?> map) {
            if (!map.containsKey("value")) {
                throw new IllegalArgumentException("a JSON object needs a \"value\" field");
            }
            return map.get("value");
        }
        return value;
    }
}
