package io.unshub.historian.export;

import io.unshub.core.message.UnsMessage;
import io.unshub.historian.ingest.DecodedValue;
import io.unshub.historian.ingest.TopicProfile;
import io.unshub.historian.store.Schema;

/**
 * Decoded values as InfluxDB line protocol (ecosystem.md §3.2): one fixed measurement per kind
 * ({@code uns_value} numeric, {@code uns_value_str} text), location levels, class, tag path and topic as
 * tags, value, quality (0 good, 1 uncertain, 2 bad, 3 stale) and unit as fields, millisecond timestamps
 * from the payload. A tag never shares a name with a field, and a column never changes role.
 */
public final class LineProtocol {

    private LineProtocol() {
    }

    public static String line(UnsMessage message, TopicProfile profile, DecodedValue value) {
        StringBuilder line = new StringBuilder(160);
        line.append(value.isNumeric() ? Schema.NUMERIC : Schema.TEXT);
        String[] levels = profile.levels();
        for (int i = 0; i < levels.length; i++) {
            tag(line, Schema.LEVELS.get(i), levels[i]);
        }
        tag(line, "class", profile.className());
        tag(line, "tag", profile.tag());
        tag(line, "topic", message.topic());
        line.append(" value=");
        if (value.isNumeric()) {
            double number = value.number();
            line.append(Double.isFinite(number) ? number : 0.0);
        } else {
            quoted(line, value.text());
        }
        line.append(",quality=").append(value.quality()).append('i');
        if (value.unit() != null) {
            line.append(",unit=");
            quoted(line, value.unit());
        }
        long ts = value.timestampMillis() != Long.MIN_VALUE ? value.timestampMillis() : message.receivedAtMillis();
        return line.append(' ').append(ts).toString();
    }

    private static void tag(StringBuilder line, String key, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        line.append(',').append(key).append('=');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '=' || c == ' ' || c == '\\') {
                line.append('\\');
            }
            if (c == '\n' || c == '\r') {
                c = ' ';
                line.append('\\');
            }
            line.append(c);
        }
    }

    private static void quoted(StringBuilder line, String value) {
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\');
            }
            line.append(c == '\n' ? ' ' : c);
        }
        line.append('"');
    }
}
