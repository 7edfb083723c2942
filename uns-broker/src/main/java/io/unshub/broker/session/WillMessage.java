package io.unshub.broker.session;

import io.unshub.core.message.UnsMessage;

/**
 * A client's will: published when its connection ends without a normal DISCONNECT, after the will
 * delay or when the session ends, whichever comes first [MQTT-3.1.3-9].
 */
public record WillMessage(UnsMessage message, long delaySeconds) {
}
