package io.unshub.historian.replay;

import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;
import io.unshub.historian.query.HistoryRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a record of the raw log into the MQTT message a replay delivers: under a {@code $replay/} prefix (never
 * the live topic), never retained, with the original receive time and sequence as user properties, no expiry,
 * and Sparkplug metrics marked historical.
 */
public final class ReplayedMessage {

    /** The component name replays publish under ({@code Origin.internal("replay")}); ACL rules can name it. */
    public static final String COMPONENT = "replay";
    /** User property carrying the original receive time, epoch milliseconds. */
    public static final String TIMESTAMP_PROPERTY = "replay-timestamp";
    /** User property carrying the record's sequence number in the raw log. */
    public static final String SEQUENCE_PROPERTY = "replay-sequence";
    /** Every replayed message lives under this prefix. */
    public static final String TOPIC_PREFIX = "$replay/";

    private static final Origin ORIGIN = Origin.internal(COMPONENT);

    private ReplayedMessage() {
    }

    /** The message for {@code record} on {@code topicPrefix + record.topic()}. */
    public static UnsMessage of(HistoryRecord record, String topicPrefix) {
        byte[] payload = record.payload();
        if (SparkplugHistorical.carriesMetrics(record.topic())) {
            byte[] marked = SparkplugHistorical.mark(payload);
            if (marked != null) {
                payload = marked;
            }
        }
        MessageProperties original = record.properties() == null ? MessageProperties.NONE : record.properties();
        List<UserProperty> user = new ArrayList<>(original.userProperties().size() + 2);
        user.addAll(original.userProperties());
        user.add(new UserProperty(TIMESTAMP_PROPERTY, Long.toString(record.receivedAtMillis())));
        user.add(new UserProperty(SEQUENCE_PROPERTY, Long.toString(record.sequence())));
        // The original expiry ran out in the past; a replayed copy lives as long as the subscriber's session.
        MessageProperties properties = new MessageProperties(original.utf8Payload(), MessageProperties.NO_EXPIRY,
                original.contentType(), original.responseTopic(), original.correlationData(), user);
        return UnsMessage.of(topicPrefix + record.topic(), payload, record.qos(), false, properties, ORIGIN);
    }
}
