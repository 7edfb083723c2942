package io.unshub.historian.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The value carried by a UNS payload: the hub's JSON value ({@code {"value":..,"timestamp_ms":..,
 * "quality":..,"unit":..}}) or a bare number. Mutable and reused: {@link #decode} overwrites it for each
 * message, on the ingest thread that owns it.
 */
public final class DecodedValue {

    /** Quality codes as stored: good 0, uncertain 1, bad 2, stale 3. */
    public static final byte GOOD = 0;

    private static final JsonFactory JSON = new JsonFactory();

    private boolean numeric;
    private double number;
    private String text;
    private long timestampMillis;
    private byte quality;
    private String unit;

    public boolean isNumeric() {
        return numeric;
    }

    public double number() {
        return number;
    }

    public String text() {
        return text;
    }

    /** The payload's {@code timestamp_ms}, or {@link Long#MIN_VALUE} when it has none. */
    public long timestampMillis() {
        return timestampMillis;
    }

    public byte quality() {
        return quality;
    }

    public String unit() {
        return unit;
    }

    /** Decodes {@code payload}; false when it is neither a UNS JSON value nor a bare number (nothing to store). */
    public boolean decode(byte[] payload) {
        numeric = false;
        number = 0;
        text = null;
        timestampMillis = Long.MIN_VALUE;
        quality = GOOD;
        unit = null;
        if (payload.length == 0 || payload.length > 64 * 1024) {
            return false;
        }
        byte first = payload[0];
        if (first == '{') {
            return decodeObject(payload);
        }
        if (first == '-' || first == '+' || first == '.' || (first >= '0' && first <= '9')) {
            return decodeNumber(payload);
        }
        return false;
    }

    private boolean decodeNumber(byte[] payload) {
        try {
            number = Double.parseDouble(new String(payload, StandardCharsets.US_ASCII).trim());
            numeric = true;
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private boolean decodeObject(byte[] payload) {
        boolean hasValue = false;
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken valueToken = parser.nextToken();
                switch (field) {
                    case "value" -> hasValue = value(parser, valueToken);
                    case "timestamp_ms" -> {
                        if (valueToken == JsonToken.VALUE_NUMBER_INT) {
                            timestampMillis = parser.getLongValue();
                        }
                    }
                    case "quality" -> quality = quality(valueToken == JsonToken.VALUE_STRING ? parser.getText() : null);
                    case "unit" -> unit = valueToken == JsonToken.VALUE_STRING ? parser.getText() : null;
                    default -> parser.skipChildren();
                }
            }
            return token == JsonToken.END_OBJECT && hasValue;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                numeric = true;
                number = parser.getDoubleValue();
                return true;
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                numeric = true;
                number = token == JsonToken.VALUE_TRUE ? 1 : 0;
                return true;
            }
            case VALUE_STRING -> {
                text = parser.getText();
                return true;
            }
            default -> {
                parser.skipChildren();
                return false;
            }
        }
    }

    static byte quality(String name) {
        if (name == null) {
            return GOOD;
        }
        return switch (name) {
            case "uncertain" -> 1;
            case "bad" -> 2;
            case "stale" -> 3;
            default -> GOOD;
        };
    }

    /** The name of a stored quality code. */
    public static String qualityName(int code) {
        return switch (code) {
            case 1 -> "uncertain";
            case 2 -> "bad";
            case 3 -> "stale";
            default -> "good";
        };
    }
}
