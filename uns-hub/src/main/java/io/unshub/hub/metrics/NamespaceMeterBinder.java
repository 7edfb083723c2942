package io.unshub.hub.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.unshub.hub.namespace.NamespaceRuntime;
import io.unshub.namespace.check.Rule;
import io.unshub.namespace.enforce.ViolationCounters;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Exposes namespace enforcement and the live tree to Prometheus, read when scraped. */
@Singleton
public class NamespaceMeterBinder implements MeterBinder {

    @Inject
    NamespaceRuntime namespace;

    @Override
    public void bindTo(MeterRegistry registry) {
        ViolationCounters counters = namespace.enforcer().counters();
        for (Rule rule : Rule.values()) {
            FunctionCounter.builder("uns_namespace_violations", counters, c -> c.count(rule))
                    .tags("rule", rule.id(), "name", rule.ruleName())
                    .description("Messages refused by the namespace model, by rule").register(registry);
        }
        Gauge.builder("uns_namespace_live_topics", namespace, n -> n.live().size())
                .description("Topics in the live namespace").register(registry);
        FunctionCounter.builder("uns_namespace_untracked_topics", namespace, n -> n.live().untracked())
                .description("Messages on new topics not kept because the live namespace is full").register(registry);
        FunctionCounter.builder("uns_namespace_reloads", namespace, n -> n.reloader().status().reloads())
                .description("Successful hot reloads of the namespace model").register(registry);
        Gauge.builder("uns_namespace_reload_failing", namespace, n -> n.reloader().status().lastError() == null ? 0 : 1)
                .description("1 while the model file on disk could not be loaded (the previous model stays)")
                .register(registry);
    }
}
