package io.unshub.hub.sparkplug;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.unshub.broker.Broker;
import io.unshub.core.bus.UnsBus;
import io.unshub.hub.config.InvalidConfigException;
import io.unshub.hub.config.SparkplugConfig;
import io.unshub.hub.config.UnsConfig;
import io.unshub.hub.namespace.NamespaceRuntime;
import io.unshub.sparkplug.host.HostConfig;
import io.unshub.sparkplug.host.SparkplugHost;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The Sparkplug host as the hub runs it: built from {@code uns.sparkplug.*}, reading the projection mapping from
 * the namespace model in force, started after the broker (priority 30) and stopped before it, so the STATE death
 * still reaches the edges.
 */
@Singleton
public class SparkplugRuntime {

    private static final Logger LOG = Logger.getLogger(SparkplugRuntime.class);

    private final SparkplugHost host;
    private final Broker broker;

    SparkplugRuntime(UnsConfig uns, SparkplugConfig config, UnsBus bus, NamespaceRuntime namespace, Broker broker) {
        this.broker = broker;
        if (!config.enabled()) {
            host = null;
            return;
        }
        this.host = new SparkplugHost(toHostConfig(config, Path.of(uns.dataDir(), "sparkplug", "state-timestamp")),
                bus, () -> namespace.current().model().sparkplug(), Clock.systemUTC());
    }

    static HostConfig toHostConfig(SparkplugConfig c, Path stateFile) {
        long reorder = c.reorderTimeout().toMillis();
        if (reorder < 0) {
            throw new InvalidConfigException("uns.sparkplug.reorder-timeout", "must not be negative");
        }
        if (c.rebirthThrottle().isNegative()) {
            throw new InvalidConfigException("uns.sparkplug.rebirth-throttle", "must not be negative");
        }
        if (c.queueCapacity() < 1) {
            throw new InvalidConfigException("uns.sparkplug.queue-capacity", "must be positive, was " + c.queueCapacity());
        }
        String id = c.hostId();
        if (id.isEmpty() || id.contains("/") || id.contains("+") || id.contains("#")) {
            throw new InvalidConfigException("uns.sparkplug.host-id",
                    "'" + id + "' is used as a topic level: it must be non-empty and free of / + #");
        }
        return new HostConfig(id, c.primary(), reorder, c.rebirthOnGap(), c.rebirthOnUnknownMetric(),
                c.rebirthOnDataBeforeBirth(), c.rebirthOnMalformed(), c.rebirthThrottle().toMillis(), c.queueCapacity(),
                c.commandByName(), stateFile, c.projectNodeControl());
    }

    void onStart(@Observes @Priority(30) StartupEvent event) {
        if (host != null) {
            // Before the host subscribes: only values of the previous run are marked, never this run's.
            host.markRestoredValuesStale(broker.retained().matching("#"));
            host.start();
        } else {
            LOG.info("Sparkplug host off (uns.sparkplug.enabled=false)");
        }
    }

    void onStop(@Observes @Priority(Integer.MAX_VALUE - 30) ShutdownEvent event) {
        if (host != null) {
            host.stop();
        }
    }

    /** The host, empty when {@code uns.sparkplug.enabled=false}. */
    public Optional<SparkplugHost> host() {
        return Optional.ofNullable(host);
    }
}
