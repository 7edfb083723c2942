package io.unshub.hub.lifecycle;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.unshub.broker.Broker;
import io.unshub.broker.BrokerExtensions;
import io.unshub.broker.handler.SubscriptionPolicy;
import io.unshub.core.bus.UnsBus;
import io.unshub.hub.config.BrokerConfigMapper;
import io.unshub.hub.config.UnsConfig;
import io.unshub.hub.namespace.NamespaceRuntime;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates the broker from configuration, with the namespace's guard and live tree plugged into its
 * publish funnel, and ties it to the application's lifecycle: it starts first (everything else rides on
 * the bus) and stops last.
 */
@ApplicationScoped
public class BrokerLifecycle {

    private static final Logger LOG = Logger.getLogger(BrokerLifecycle.class);

    private final Broker broker;
    private final NamespaceRuntime namespace;

    BrokerLifecycle(UnsConfig config, NamespaceRuntime namespace) {
        this.namespace = namespace;
        Set<String> refused = new HashSet<>(config.mqtt().refusedFilters().orElse(List.of()));
        SubscriptionPolicy policy = (subscriber, filter) -> refused.contains(filter) ? 0x87
                : namespace.checkSubscription(filter);
        this.broker = new Broker(BrokerConfigMapper.toBrokerConfig(config.mqtt()),
                new BrokerExtensions(policy, namespace.guard(), namespace.live()));
        namespace.attach(broker.bus());
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        broker.start();
        namespace.startReloading();
        LOG.infof("UNS hub broker %s up: MQTT tcp=%d ws=%d", Broker.version(), broker.tcpPort(), broker.wsPort());
    }

    void onStop(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent event) {
        namespace.stop();
        broker.stop();
    }

    @Produces
    @Singleton
    Broker broker() {
        return broker;
    }

    @Produces
    @Singleton
    UnsBus bus() {
        return broker.bus();
    }
}
