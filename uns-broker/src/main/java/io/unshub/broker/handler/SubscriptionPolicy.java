package io.unshub.broker.handler;

/**
 * Decides whether a client may subscribe to a filter. The broker's default refuses a configured list of
 * filters; the ACL issue plugs its rules in here.
 */
@FunctionalInterface
public interface SubscriptionPolicy {

    /** Returns 0 to allow, or the MQTT 5 reason code for the SUBACK (e.g. 0x87 not authorized). */
    int check(String clientId, String filter);

    SubscriptionPolicy ALLOW_ALL = (clientId, filter) -> 0;
}
