package io.unshub.hub.demo;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.unshub.broker.Broker;
import io.unshub.hub.config.UnsConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo profile ({@code uns.demo}, {@code UNS_DEMO=true}, {@code --demo}): starts every {@link DemoSource}
 * bean after the hub's components are up (broker 10, historian 20, Sparkplug 30, OPC UA 40, demo
 * {@value #START_PRIORITY}) and stops them first on shutdown, so simulated data never hits a half-stopped hub.
 * A source that fails to start is logged and skipped: the demo must not keep the hub from running.
 *
 * <p>Threading: {@link #onStart} and {@link #onStop} run on Quarkus' start-up and shutdown threads; the
 * sources' periodic work runs on the one "uns-demo" scheduler thread.
 */
@ApplicationScoped
public class DemoRuntime {

    static final int START_PRIORITY = 50;
    /** Before every other component's shutdown observer (the broker's is {@code Integer.MAX_VALUE}). */
    static final int STOP_PRIORITY = 1;
    private static final Logger LOG = Logger.getLogger(DemoRuntime.class);

    private final UnsConfig config;
    private final Broker broker;
    private final Instance<DemoSource> sources;
    private final List<DemoSource> running = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    DemoRuntime(UnsConfig config, Broker broker, @Any Instance<DemoSource> sources) {
        this.config = config;
        this.broker = broker;
        this.sources = sources;
    }

    void onStart(@Observes @Priority(START_PRIORITY) StartupEvent event) {
        if (!config.demo()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "uns-demo");
            thread.setDaemon(true);
            return thread;
        });
        String host = config.mqtt().host().equals("0.0.0.0") ? "127.0.0.1" : config.mqtt().host();
        DemoContext context = new DemoContext(broker.bus(), scheduler, host, broker.tcpPort(),
                Path.of(config.dataDir()));
        List<DemoSource> all = new ArrayList<>();
        sources.forEach(all::add);
        all.sort(Comparator.comparing(DemoSource::name));
        for (DemoSource source : all) {
            try {
                source.start(context);
                running.add(source);
                LOG.infof("Demo source %s started: %s", source.name(), source.describe());
            } catch (Exception e) {
                LOG.errorf(e, "Demo source %s did not start; the hub runs without it", source.name());
            }
        }
    }

    void onStop(@Observes @Priority(STOP_PRIORITY) ShutdownEvent event) {
        for (DemoSource source : running.reversed()) {
            try {
                source.stop();
            } catch (RuntimeException e) {
                LOG.warnf(e, "Demo source %s did not stop cleanly", source.name());
            }
        }
        running.clear();
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The sources that started, in start order (empty when the demo is off). */
    public List<DemoSource> running() {
        return List.copyOf(running);
    }
}
