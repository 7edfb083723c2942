package io.unshub.broker.persistence;

import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Messages for store tests, and a comparison that looks into the byte arrays records compare by reference. */
final class StoreTestData {

    private StoreTestData() {
    }

    static UnsMessage message(String topic, String payload) {
        return UnsMessage.of(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, MessageProperties.NONE,
                Origin.client("pub"));
    }

    static UnsMessage expiring(String topic, String payload, long expirySeconds) {
        return UnsMessage.of(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false,
                new MessageProperties(false, expirySeconds, null, null, null, List.of()), Origin.client("pub"));
    }

    /** A message with every property set. */
    static UnsMessage rich(String topic, String payload) {
        MessageProperties properties = new MessageProperties(true, 3600, "application/json", "reply/" + topic,
                new byte[] {1, 2, 3}, List.of(new UserProperty("unit", "°C"), new UserProperty("unit", "K")));
        return UnsMessage.of(topic, payload.getBytes(StandardCharsets.UTF_8), 2, true, properties,
                Origin.client("plc-7", "alice", Set.of("operator", "viewer")));
    }

    static String payload(UnsMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    /** Every field equal, arrays by content; receivedAtNanos only if {@code exactNanos}. */
    static void assertSameMessage(UnsMessage actual, UnsMessage expected, boolean exactNanos) {
        assertThat(actual.topic()).isEqualTo(expected.topic());
        assertThat(actual.payload()).isEqualTo(expected.payload());
        assertThat(actual.qos()).isEqualTo(expected.qos());
        assertThat(actual.retain()).isEqualTo(expected.retain());
        assertThat(actual.origin()).isEqualTo(expected.origin());
        assertThat(actual.receivedAtMillis()).isEqualTo(expected.receivedAtMillis());
        if (exactNanos) {
            assertThat(actual.receivedAtNanos()).isEqualTo(expected.receivedAtNanos());
        }
        MessageProperties a = actual.properties();
        MessageProperties e = expected.properties();
        assertThat(a.utf8Payload()).isEqualTo(e.utf8Payload());
        assertThat(a.messageExpirySeconds()).isEqualTo(e.messageExpirySeconds());
        assertThat(a.contentType()).isEqualTo(e.contentType());
        assertThat(a.responseTopic()).isEqualTo(e.responseTopic());
        assertThat(a.correlationData()).isEqualTo(e.correlationData());
        assertThat(a.userProperties()).isEqualTo(e.userProperties());
    }
}
