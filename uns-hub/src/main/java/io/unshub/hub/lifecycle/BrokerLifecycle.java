package io.unshub.hub.lifecycle;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.unshub.broker.Broker;
import io.unshub.broker.persistence.BrokerStore;
import io.unshub.broker.persistence.Durability;
import io.unshub.broker.persistence.InMemoryBrokerStore;
import io.unshub.broker.persistence.RocksBrokerStore;
import io.unshub.broker.BrokerExtensions;
import io.unshub.broker.handler.SubscriptionPolicy;
import io.unshub.core.bus.UnsBus;
import io.unshub.hub.config.BrokerConfigMapper;
import io.unshub.hub.config.InvalidConfigException;
import io.unshub.hub.config.UnsConfig;
import io.unshub.hub.namespace.NamespaceRuntime;
import io.unshub.hub.replay.ReplayHook;
import io.unshub.hub.security.SecurityRuntime;
import io.unshub.hub.sparkplug.AwareOutbound;
import io.unshub.core.bus.PublishGuard;
import io.unshub.sparkplug.aware.CertificateGuard;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
    private final SecurityRuntime security;

    BrokerLifecycle(UnsConfig config, NamespaceRuntime namespace, SecurityRuntime security, ReplayHook replayHook,
                    AwareOutbound awareOutbound) {
        this.namespace = namespace;
        this.security = security;
        Set<String> refused = new HashSet<>(config.mqtt().refusedFilters().orElse(List.of()));
        SubscriptionPolicy refusedFilters = (subscriber, filter) -> refused.contains(filter) ? 0x87 : 0;
        SubscriptionPolicy policy = SubscriptionPolicy.inOrder(refusedFilters, security.acl(),
                (subscriber, filter) -> namespace.checkSubscription(filter));
        // The ACL first: a client without rights learns 0x87, not what the namespace thinks of the topic.
        PublishGuard guard = PublishGuard.inOrder(security.acl(), new CertificateGuard(), namespace.guard());
        this.broker = new Broker(BrokerConfigMapper.toBrokerConfig(config.mqtt()),
                new BrokerExtensions(security.brokerAuthenticator(), policy, guard, namespace.live(), replayHook)
                        .withOutboundRewriter(awareOutbound.rewriter()),
                openStore(config));
        security.acl().addressesFrom(broker::remoteAddressOf); // audit lines name the client's address
        namespace.attach(broker.bus(), topic -> broker.retained().get(topic) != null);
    }

    /** The broker store {@code uns.mqtt.persistence} asks for; the broker closes it when it stops. */
    static BrokerStore openStore(UnsConfig config) {
        String kind = config.mqtt().persistence().trim().toLowerCase(java.util.Locale.ROOT);
        switch (kind) {
            case "memory":
                LOG.warn("uns.mqtt.persistence=memory: retained messages and persistent sessions are lost on restart");
                return new InMemoryBrokerStore();
            case "rocksdb":
                Durability durability;
                try {
                    durability = Durability.parse(config.mqtt().durability());
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigException("uns.mqtt.durability", e.getMessage());
                }
                Path directory = Path.of(config.dataDir(), "broker");
                try {
                    RocksBrokerStore store = RocksBrokerStore.open(directory, durability);
                    LOG.infof("Broker store: RocksDB at %s, durability %s", directory.toAbsolutePath(), durability);
                    return store;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open the broker store at " + directory.toAbsolutePath(), e);
                }
            default:
                throw new InvalidConfigException("uns.mqtt.persistence", "must be rocksdb or memory, was '"
                        + config.mqtt().persistence() + "'");
        }
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        broker.start();
        security.start();
        namespace.startReloading();
        LOG.infof("UNS hub broker %s up: MQTT tcp=%d ws=%d", Broker.version(), broker.tcpPort(), broker.wsPort());
    }

    void onStop(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent event) {
        namespace.stop();
        long connected = broker.metrics().connectionsCurrent();
        broker.stop();
        security.stop();
        LOG.infof("UNS hub stopped: MQTT listeners closed, %d connection(s) told the server is shutting down, "
                + "broker store closed", connected);
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
