package io.unshub.hub.health;

import io.unshub.broker.Broker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Broker health: ready while its listeners are bound, live while its event loops answer. */
public class BrokerHealthChecks {

    @Readiness
    @ApplicationScoped
    public static class Listeners implements HealthCheck {
        @Inject
        Broker broker;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("mqtt-listeners")
                    .status(broker.isRunning())
                    .withData("tcpPort", broker.tcpPort())
                    .withData("wsPort", broker.wsPort())
                    .withData("connections", broker.metrics().connectionsCurrent())
                    .build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class EventLoops implements HealthCheck {
        @Inject
        Broker broker;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("mqtt-event-loops").status(broker.eventLoopsRespond(1_000)).build();
        }
    }
}
