package io.unshub.hub.opcua;

import io.unshub.opcua.OpcUaBridge;
import io.unshub.opcua.connection.ConnectionState;
import io.unshub.opcua.connection.OpcUaConnection;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The PLCs as data, in their own health group ({@code /q/health/group/opcua}): down while any connection is not
 * connected, with each connection's state. Deliberately not a readiness check: a PLC outage must not make the
 * hub unready.
 */
@HealthGroup("opcua")
@ApplicationScoped
public class OpcUaHealthCheck implements HealthCheck {

    @Inject
    OpcUaRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("opcua-connections");
        OpcUaBridge bridge = runtime.bridge();
        boolean allUp = true;
        if (bridge != null) {
            for (OpcUaConnection c : bridge.connections()) {
                ConnectionState state = c.state();
                allUp &= state == ConnectionState.connected;
                response.withData(c.config().name(), state.name());
            }
        }
        return response.status(bridge != null && allUp).build();
    }
}
