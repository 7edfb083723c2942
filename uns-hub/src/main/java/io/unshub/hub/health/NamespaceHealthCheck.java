package io.unshub.hub.health;

import io.unshub.core.config.ConfigFileReloader;
import io.unshub.hub.namespace.NamespaceRuntime;
import io.unshub.namespace.check.CompiledNamespace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The namespace model in force. Always up (a model is always in force; a broken edit keeps the previous
 * one), with the revision and the last reload error as data so operators see both.
 */
@Readiness
@ApplicationScoped
public class NamespaceHealthCheck implements HealthCheck {

    @Inject
    NamespaceRuntime namespace;

    @Override
    public HealthCheckResponse call() {
        ConfigFileReloader.Status<CompiledNamespace> status = namespace.reloader().status();
        var model = status.value().model();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("namespace-model").up()
                .withData("name", model.name())
                .withData("revision", model.revision())
                .withData("source", model.source())
                .withData("enforced", namespace.enforcing())
                .withData("liveTopics", namespace.live().size());
        if (status.lastError() != null) {
            response.withData("lastReloadError", status.lastError());
        }
        return response.build();
    }
}
