package io.unshub.hub.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A payload as the REST API shows it: JSON payloads as JSON, other UTF-8 text as a string, anything else
 * as base64; {@code encoding} says which.
 *
 * @param value    the JSON value, the text, or the base64 string ({@code null} for an empty payload)
 * @param encoding {@code json}, {@code utf-8}, {@code base64} or {@code empty}
 */
public record PayloadView(Object value, String encoding) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PayloadView EMPTY = new PayloadView(null, "empty");

    public static PayloadView of(byte[] payload) {
        if (payload.length == 0) {
            return EMPTY;
        }
        String text = utf8OrNull(payload);
        if (text == null) {
            return new PayloadView(Base64.getEncoder().encodeToString(payload), "base64");
        }
        JsonNode json = jsonOrNull(payload);
        return json != null ? new PayloadView(json, "json") : new PayloadView(text, "utf-8");
    }

    static String utf8OrNull(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static JsonNode jsonOrNull(byte[] payload) {
        try {
            JsonNode node = JSON.readTree(payload);
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }
}
