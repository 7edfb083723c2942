package io.unshub.broker.handler;

import io.unshub.core.message.Origin;

/**
 * Decides whether a client may subscribe to a filter. The broker's default refuses a configured list of
 * filters; the ACL issue plugs its rules in here.
 */
@FunctionalInterface
public interface SubscriptionPolicy {

    /**
     * Returns 0 to allow, or the MQTT 5 reason code for the SUBACK (e.g. 0x87 not authorized).
     *
     * @param subscriber the client, with its authenticated user and roles
     * @param filter     the filter as requested (shared filters keep their {@code $share/<group>/} prefix)
     */
    int check(Origin subscriber, String filter);

    SubscriptionPolicy ALLOW_ALL = (subscriber, filter) -> 0;

    /** Asks each policy in turn; the first refusal wins. */
    static SubscriptionPolicy inOrder(SubscriptionPolicy... policies) {
        SubscriptionPolicy[] copy = policies.clone();
        return (subscriber, filter) -> {
            for (SubscriptionPolicy policy : copy) {
                int refusal = policy.check(subscriber, filter);
                if (refusal != 0) {
                    return refusal;
                }
            }
            return 0;
        };
    }
}
