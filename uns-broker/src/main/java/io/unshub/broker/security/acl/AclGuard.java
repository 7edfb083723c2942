package io.unshub.broker.security.acl;

import io.unshub.broker.handler.SubscriptionPolicy;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The ACL at the broker's two gates: as a {@link PublishGuard} it judges every message entering the bus
 * (network publishes, wills, in-process publishers), as a {@link SubscriptionPolicy} every SUBSCRIBE filter.
 * A refusal is 0x87 "Not authorized" with a reason naming the rule ({@code acl.yaml:12}); MQTT 3.1.1
 * publishers are acknowledged and their message dropped, MQTT 3.1.1 subscribers get SUBACK 0x80.
 *
 * <p>Thread-safe: checks run on any event loop or publisher thread and read the current {@link AclRules}
 * from one volatile field; {@link #install} (the reloader's thread) swaps the whole immutable rule set, so a
 * check sees either the old rules or the new ones, never a mix. Connected clients are never dropped by a swap.
 */
public final class AclGuard implements PublishGuard, SubscriptionPolicy {

    private volatile AclRules rules;
    /** Client id to remote address, for the audit log; set once the broker exists (it is created after the guard). */
    private volatile Function<String, String> addresses = clientId -> null;
    private final AclAudit audit;
    private final LongAdder publishDenied = new LongAdder();
    private final LongAdder subscribeDenied = new LongAdder();

    /** Allows everything until rules are {@linkplain #install installed} (no ACL file). */
    public AclGuard() {
        this(AclRules.allowAll());
    }

    public AclGuard(AclRules rules) {
        this(rules, new AclAudit());
    }

    AclGuard(AclRules rules, AclAudit audit) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.audit = audit;
    }

    /** Puts {@code newRules} in force for every check that starts after this returns. */
    public void install(AclRules newRules) {
        this.rules = Objects.requireNonNull(newRules, "rules");
    }

    /**
     * Where the audit log finds a network client's remote address ({@code host:port}, or {@code null} when it is
     * not connected), e.g. from the broker's connections. Looked up only for a denial.
     */
    public void addressesFrom(Function<String, String> addressOfClient) {
        this.addresses = Objects.requireNonNull(addressOfClient, "addressOfClient");
    }

    private String addressOf(Origin origin) {
        if (origin.kind() == Origin.Kind.INTERNAL) {
            return null;
        }
        try {
            return addresses.apply(origin.id());
        } catch (RuntimeException e) {
            return null; // the audit line must not break the check
        }
    }

    /** The rules in force. */
    public AclRules rules() {
        return rules;
    }

    @Override
    public PublishOutcome.Rejected check(UnsMessage message) {
        AclRules current = rules;
        if (!current.restricts()) {
            return null;
        }
        Verdict verdict = current.publish(message.origin(), message.topic());
        if (verdict.allowed()) {
            return null;
        }
        publishDenied.increment();
        audit.denied(AclAction.PUBLISH, message.origin(), message.topic(), verdict, addressOf(message.origin()));
        return verdict.rejection();
    }

    @Override
    public int check(Origin subscriber, String filter) {
        AclRules current = rules;
        if (!current.restricts()) {
            return 0;
        }
        Verdict verdict = current.subscribe(subscriber, filter);
        if (verdict.allowed()) {
            return 0;
        }
        subscribeDenied.increment();
        audit.denied(AclAction.SUBSCRIBE, subscriber, filter, verdict, addressOf(subscriber));
        return Verdict.NOT_AUTHORIZED;
    }

    /** Messages refused since start (network publishes, wills and in-process publishes), for metrics. */
    public long publishDenied() {
        return publishDenied.sum();
    }

    /** Subscription filters refused since start, for metrics. */
    public long subscribeDenied() {
        return subscribeDenied.sum();
    }

    /** Writes the audit log's pending "N more denials" line if its window has ended. */
    public void flushAudit() {
        audit.flush();
    }
}
