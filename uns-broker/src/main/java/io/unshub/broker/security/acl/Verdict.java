package io.unshub.broker.security.acl;

import io.unshub.core.bus.PublishOutcome;

/**
 * The outcome of one ACL check. Every verdict is built when the rules are compiled and shared, so a check
 * allocates nothing to answer, not even when it refuses.
 *
 * @param allowed   whether the action may go ahead
 * @param decidedBy what decided, for the audit log and the reason string: {@code acl.yaml:12} for a rule,
 *                  {@code acl.yaml default} when no rule matched
 * @param rejection the publish refusal (0x87, reason naming {@code decidedBy}); {@code null} when allowed
 */
record Verdict(boolean allowed, String decidedBy, PublishOutcome.Rejected rejection) {

    /** MQTT 5 "Not authorized", for PUBACK/PUBREC, SUBACK and CONNACK alike. */
    static final int NOT_AUTHORIZED = 0x87;

    /** For components no {@code components} rule names, and for every check when there is no ACL file. */
    static final Verdict NOT_RESTRICTED = new Verdict(true, "no rule applies", null);

    static Verdict allow(String decidedBy) {
        return new Verdict(true, decidedBy, null);
    }

    /**
     * A refusal. MQTT 3.1.1 publishers are acknowledged and the message dropped (the protocol has no negative
     * acknowledgement, and dropping the connection would only make the client reconnect and try again); MQTT 5
     * QoS 0 publishers are not disconnected either.
     */
    static Verdict deny(String decidedBy) {
        return new Verdict(false, decidedBy,
                new PublishOutcome.Rejected(NOT_AUTHORIZED, "not authorized (" + decidedBy + ")", false, false));
    }
}
