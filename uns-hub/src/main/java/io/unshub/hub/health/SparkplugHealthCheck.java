package io.unshub.hub.health;

import io.smallrye.health.api.HealthGroup;
import io.unshub.hub.sparkplug.SparkplugRuntime;
import io.unshub.sparkplug.host.SparkplugHost;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Edge nodes as data, in the {@code data} health group ({@code /q/health/group/data}): an edge node going
 * offline is plant state, not a reason to call the hub unready. Up while the host runs.
 */
@HealthGroup("data")
@ApplicationScoped
public class SparkplugHealthCheck implements HealthCheck {

    @Inject
    SparkplugRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        SparkplugHost host = runtime.host().orElse(null);
        if (host == null) {
            return HealthCheckResponse.named("sparkplug").up().withData("enabled", false).build();
        }
        HealthCheckResponseBuilder r = HealthCheckResponse.named("sparkplug").status(host.isRunning())
                .withData("hostId", host.config().hostId())
                .withData("primary", host.config().primary())
                .withData("stateTimestamp", host.stateTimestamp())
                .withData("nodesOnline", host.nodesOnline())
                .withData("nodesOffline", host.nodesOffline())
                .withData("seqGaps", host.counters().seqGaps())
                .withData("rebirthsRequested", host.counters().rebirthsRequested())
                .withData("malformedPayloads", host.counters().malformed());
        return r.build();
    }
}
