package io.unshub.hub.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.unshub.broker.security.AuthCounters;
import io.unshub.broker.security.acl.AclGuard;
import io.unshub.hub.security.SecurityRuntime;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Exposes authentication and ACL decisions to Prometheus, read when scraped. */
@Singleton
public class SecurityMeterBinder implements MeterBinder {

    @Inject
    SecurityRuntime security;

    @Override
    public void bindTo(MeterRegistry registry) {
        AuthCounters counters = security.authenticator().counters();
        for (AuthCounters.Method method : AuthCounters.Method.values()) {
            FunctionCounter.builder("uns_mqtt_auth_allowed", counters, c -> c.allowedCount(method))
                    .tags("method", method.label())
                    .description("Connections let in, by how the client proved who it is").register(registry);
        }
        for (AuthCounters.Refusal refusal : AuthCounters.Refusal.values()) {
            FunctionCounter.builder("uns_mqtt_auth_refused", counters, c -> c.refusedCount(refusal))
                    .tags("reason", refusal.label())
                    .description("Connections refused by authentication, by reason").register(registry);
        }
        AclGuard acl = security.acl();
        FunctionCounter.builder("uns_mqtt_acl_denied", acl, AclGuard::publishDenied).tags("action", "publish")
                .description("Publishes and subscriptions the ACL refused").register(registry);
        FunctionCounter.builder("uns_mqtt_acl_denied", acl, AclGuard::subscribeDenied).tags("action", "subscribe")
                .description("Publishes and subscriptions the ACL refused").register(registry);
    }
}
