package io.unshub.core.bus;

import io.unshub.core.message.UnsMessage;

/**
 * Decides whether a message may enter the bus at all. The bus asks it once per publish, for every
 * publisher (network clients, wills, in-process components), before the retained store or any
 * subscriber sees the message; a rejected message goes nowhere.
 *
 * <p>Called on the publisher's thread, often a network event loop: it must not block, and its topic checks
 * must not allocate when they accept (that is the path every message takes); a payload check that has to
 * parse the payload is the one exception.
 */
@FunctionalInterface
public interface PublishGuard {

    PublishGuard ACCEPT_ALL = message -> null;

    /** Returns {@code null} to accept, or the rejection to report to the publisher. */
    PublishOutcome.Rejected check(UnsMessage message);

    /** Asks each guard in turn; the first refusal wins (e.g. the ACL before the namespace). */
    static PublishGuard inOrder(PublishGuard... guards) {
        PublishGuard[] copy = guards.clone();
        return message -> {
            for (PublishGuard guard : copy) {
                PublishOutcome.Rejected rejected = guard.check(message);
                if (rejected != null) {
                    return rejected;
                }
            }
            return null;
        };
    }
}
