package io.unshub.historian.replay;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads a point in time as the API accepts it: epoch milliseconds or ISO-8601 with an offset ({@code 2026-11-22T10:00:00Z}). */
public final class TimeArgument {

    private TimeArgument() {
    }

    /**
     * The time {@code value} names, in epoch milliseconds.
     *
     * @param name how the caller calls it ({@code from}, {@code replay-to}), for the error message
     * @throws IllegalArgumentException naming {@code name} and the value when it is neither form
     */
    public static long parse(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required (ISO-8601 time or epoch milliseconds)");
        }
        String text = value.trim();
        if (text.chars().allMatch(Character::isDigit) && text.length() <= 18) {
            return Long.parseLong(text);
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(name + " is neither an ISO-8601 time with offset nor epoch milliseconds: '"
                        + shorten(text) + "'");
            }
        }
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
