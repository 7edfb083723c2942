package io.unshub.namespace.enforce;

import io.unshub.namespace.check.Rule;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Violations counted per rule since start, for metrics. Thread-safe; incremented on publisher threads. */
public final class ViolationCounters {

    private final LongAdder[] byRule = new LongAdder[Rule.values().length];

    public ViolationCounters() {
        for (int i = 0; i < byRule.length; i++) {
            byRule[i] = new LongAdder();
        }
    }

    void increment(Rule rule) {
        byRule[rule.ordinal()].increment();
    }

    public long count(Rule rule) {
        return byRule[rule.ordinal()].sum();
    }

    public long total() {
        long total = 0;
        for (LongAdder adder : byRule) {
            total += adder.sum();
        }
        return total;
    }

    public Map<Rule, Long> snapshot() {
        Map<Rule, Long> snapshot = new EnumMap<>(Rule.class);
        for (Rule rule : Rule.values()) {
            snapshot.put(rule, count(rule));
        }
        return snapshot;
    }
}
