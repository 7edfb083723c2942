package io.unshub.hub.historian;

import io.unshub.hub.api.ApiException;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** A time query parameter: epoch milliseconds or ISO-8601 ({@code 2026-11-22T08:00:00Z}, with an offset or Z). */
final class TimeParam {

    private TimeParam() {
    }

    /** Epoch milliseconds, {@code fallback} when absent; a 400 naming the parameter when unreadable. */
    static long parse(String name, String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit) && v.length() <= 15) {
            return Long.parseLong(v);
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(v).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest(name + " must be epoch milliseconds or an ISO-8601 time such as "
                        + "2026-11-22T08:00:00Z, was '" + value + "'");
            }
        }
    }
}
