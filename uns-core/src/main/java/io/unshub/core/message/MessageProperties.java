package io.unshub.core.message;

import java.util.List;

/**
 * The MQTT 5 application-message properties that travel with a message from publisher to subscribers.
 * Transport-only properties (topic alias, subscription identifiers) are not part of the message.
 *
 * @param utf8Payload          payload format indicator 1: the payload is UTF-8 text
 * @param messageExpirySeconds message expiry interval in seconds, or {@link #NO_EXPIRY}
 * @param contentType          MIME-like content type, or {@code null}
 * @param responseTopic        response topic for request/response, or {@code null}
 * @param correlationData      correlation data, or {@code null}; never mutated
 * @param userProperties       user properties in the order the publisher sent them
 */
public record MessageProperties(
        boolean utf8Payload,
        long messageExpirySeconds,
        String contentType,
        String responseTopic,
        byte[] correlationData,
        List<UserProperty> userProperties) {

    public static final long NO_EXPIRY = -1;

    /** The properties of a message that carries none (every MQTT 3.1.1 message). */
    public static final MessageProperties NONE = new MessageProperties(false, NO_EXPIRY, null, null, null, List.of());

    public MessageProperties {
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    public boolean expires() {
        return messageExpirySeconds != NO_EXPIRY;
    }

    public boolean isEmpty() {
        return this == NONE || (!utf8Payload && !expires() && contentType == null && responseTopic == null
                && correlationData == null && userProperties.isEmpty());
    }
}
