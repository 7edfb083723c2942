package io.unshub.broker.persistence;

import io.unshub.core.message.UnsMessage;

import java.util.Objects;

/**
 * A delayed will waiting for its time [MQTT-3.1.3-9], as stored. Immutable.
 *
 * @param clientId    the client whose will it is
 * @param message     the will message (published with a will origin when due)
 * @param dueAtMillis wall-clock time it is due: disconnect time plus the lesser of the will delay and
 *                    the session expiry interval
 */
public record PendingWill(String clientId, UnsMessage message, long dueAtMillis) {

    public PendingWill {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(message, "message");
    }
}
