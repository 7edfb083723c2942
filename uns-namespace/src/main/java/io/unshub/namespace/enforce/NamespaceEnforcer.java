package io.unshub.namespace.enforce;

import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.topic.Topics;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.check.Rule;
import io.unshub.namespace.check.Verdict;
import io.unshub.namespace.contract.PayloadContract;
import io.unshub.namespace.model.NamespaceModel.ViolationPolicy;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * Enforces the current namespace model at the bus's publish funnel, for every publisher: a topic outside
 * the model is refused with 0x90, a payload that breaks its class's contract with 0x83, and each
 * violation is counted, logged and reported. Also answers whether a subscription filter can ever match
 * (strict mode).
 *
 * <p>Thread-safe: {@link #check} runs on any publisher thread against an immutable compiled model that a
 * reload swaps atomically ({@link #install}).
 */
public final class NamespaceEnforcer implements PublishGuard {

    /** SUBACK reason code for a filter that can never match the model in strict mode. */
    public static final int TOPIC_FILTER_INVALID = 0x8F;

    private final ViolationCounters counters = new ViolationCounters();
    private final ViolationReporter reporter;
    private volatile CompiledNamespace current;
    private volatile Predicate<String> hasRetained = topic -> false;

    public NamespaceEnforcer(CompiledNamespace initial, ViolationReporter reporter) {
        this.current = Objects.requireNonNull(initial, "initial");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
    }

    /** Makes {@code next} the model every following publish is checked against. */
    public void install(CompiledNamespace next) {
        this.current = Objects.requireNonNull(next, "next");
    }

    public CompiledNamespace current() {
        return current;
    }

    public ViolationCounters counters() {
        return counters;
    }

    /**
     * Tells the enforcer which topics hold a retained message, so that deleting one is allowed even where a
     * tightened model no longer accepts the topic (values an older model let in can be cleared).
     */
    public void retainedLookup(Predicate<String> hasRetained) {
        this.hasRetained = Objects.requireNonNull(hasRetained, "hasRetained");
    }

    @Override
    public PublishOutcome.Rejected check(UnsMessage message) {
        if (message.retain() && message.payload().length == 0 && hasRetained.test(message.topic())) {
            return null;
        }
        CompiledNamespace ns = current;
        String topic = message.topic();
        int classification = ns.classify(topic);
        if (classification == CompiledNamespace.RESERVED) {
            return null;
        }
        if (classification < 0) {
            Verdict verdict = ns.explain(topic);
            return reject(ns, message, verdict.rule(), verdict.reason());
        }
        byte[] payload = message.payload();
        if (payload.length == 0 && message.retain()) {
            return null; // deleting a retained value: no payload to hold to the contract
        }
        PayloadContract.Breach breach = ns.contract(classification).check(payload);
        if (breach == null) {
            return null;
        }
        return reject(ns, message, breach.rule(), breach.rule().id() + " " + breach.detail());
    }

    private PublishOutcome.Rejected reject(CompiledNamespace ns, UnsMessage message, Rule rule, String reason) {
        counters.increment(rule);
        ViolationPolicy policy = ns.model().onViolation();
        reporter.report(message, rule, reason, ns.model().revision(), policy.report());
        return new PublishOutcome.Rejected(rule.reasonCode(), reason,
                policy.mqtt5Qos0() == ViolationPolicy.Action.DISCONNECT,
                policy.mqtt3() == ViolationPolicy.Action.DISCONNECT);
    }

    /**
     * 0 to allow a subscription, or {@link #TOPIC_FILTER_INVALID} when strict subscriptions are on and the
     * filter can never match a topic the model accepts.
     */
    public int checkSubscription(String filter) {
        CompiledNamespace ns = current;
        if (!ns.model().onViolation().strictSubscriptions()) {
            return 0;
        }
        return ns.canMatch(Topics.matchingFilter(filter)) ? 0 : TOPIC_FILTER_INVALID;
    }
}
