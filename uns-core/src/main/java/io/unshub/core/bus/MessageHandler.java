package io.unshub.core.bus;

import io.unshub.core.message.UnsMessage;

/** Receives the messages of an in-process subscription, one at a time, on the subscriber's executor. */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(UnsMessage message);
}
