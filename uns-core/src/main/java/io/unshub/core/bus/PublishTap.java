package io.unshub.core.bus;

import io.unshub.core.message.UnsMessage;

/**
 * Sees every message the bus accepted, synchronously on the publisher's thread, before it is
 * delivered. For bookkeeping that must not miss a message and is cheap enough to do inline (the live
 * namespace's last values); anything slower belongs in a subscriber with its own queue.
 */
@FunctionalInterface
public interface PublishTap {

    PublishTap NONE = message -> { };

    /** Must not block and must not throw. */
    void accepted(UnsMessage message);
}
