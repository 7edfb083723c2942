package io.unshub.hub.opcua;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.unshub.opcua.config.ConnectionConfig;
import io.unshub.opcua.connection.ConnectionState;
import io.unshub.opcua.connection.ConnectionStats;
import io.unshub.opcua.connection.OpcUaConnection;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** Exposes each OPC UA connection to Prometheus (state, values, failed items, writes, reconnects), read when scraped. */
@Singleton
public class OpcUaMeterBinder implements MeterBinder {

    @Inject
    OpcUaRuntime runtime;

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ConnectionConfig c : runtime.bridgeConfig().connections()) {
            String name = c.name();
            Gauge.builder("uns_opcua_connected", runtime, r -> of(r, name, x -> x.state() == ConnectionState.connected
                            ? 1 : 0))
                    .tag("connection", name).description("1 while the connection has an active session")
                    .register(registry);
            Gauge.builder("uns_opcua_failed_items", runtime, r -> of(r, name, OpcUaConnection::failedItems))
                    .tag("connection", name).description("Tags whose monitored item the server refused")
                    .register(registry);
            counter(registry, "uns_opcua_values", name, s -> s.values.sum(), "Values received and published");
            counter(registry, "uns_opcua_values_rejected", name, s -> s.rejected.sum(),
                    "Values the hub refused (namespace or ACL)");
            counter(registry, "uns_opcua_reconnects", name, s -> s.reconnects.sum(), "Sessions lost and re-established");
            FunctionCounter.builder("uns_opcua_writes", runtime, r -> stat(r, name, s -> s.writes.sum()))
                    .tags("connection", name, "result", "good").description("Commands written to the server")
                    .register(registry);
            FunctionCounter.builder("uns_opcua_writes", runtime, r -> stat(r, name, s -> s.writeFailures.sum()))
                    .tags("connection", name, "result", "bad").description("Commands written to the server")
                    .register(registry);
        }
    }

    private void counter(MeterRegistry registry, String meter, String name, ToDoubleFunction<ConnectionStats> f,
                         String description) {
        FunctionCounter.builder(meter, runtime, r -> stat(r, name, f)).tag("connection", name)
                .description(description).register(registry);
    }

    private static Optional<OpcUaConnection> connection(OpcUaRuntime runtime, String name) {
        return runtime.bridge() == null ? Optional.empty() : runtime.bridge().connection(name);
    }

    private static double of(OpcUaRuntime runtime, String name, ToDoubleFunction<OpcUaConnection> f) {
        return connection(runtime, name).map(f::applyAsDouble).orElse(0.0);
    }

    private static double stat(OpcUaRuntime runtime, String name, ToDoubleFunction<ConnectionStats> f) {
        return connection(runtime, name).map(c -> f.applyAsDouble(c.stats())).orElse(0.0);
    }
}
