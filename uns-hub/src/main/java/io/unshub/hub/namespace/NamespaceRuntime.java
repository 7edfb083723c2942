package io.unshub.hub.namespace;

import io.unshub.core.config.ConfigFileReloader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.UnsMessage;
import io.unshub.hub.config.InvalidConfigException;
import io.unshub.hub.config.UnsConfig;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.enforce.NamespaceEnforcer;
import io.unshub.namespace.enforce.ViolationReporter;
import io.unshub.namespace.live.LiveNamespace;
import io.unshub.namespace.load.ModelException;
import io.unshub.namespace.load.ModelReloader;
import jakarta.inject.Singleton;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The namespace as the hub runs it: the model loaded from {@code uns.namespace.file} (or the built-in
 * one), its enforcer at the bus's publish funnel, the live tree of last values, and the hot reload that
 * swaps in a new model. Created before the broker, which needs the guard and the tap.
 */
@Singleton
public class NamespaceRuntime {

    static final String FILE_KEY = "uns.namespace.file";
    public static final String SYS_TOPIC = "$SYS/uns/namespace";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean enforce;
    private final Duration reloadInterval;
    private final ViolationReporter reporter = new ViolationReporter();
    private final ModelReloader reloader;
    private final NamespaceEnforcer enforcer;
    private final LiveNamespace live;
    private volatile UnsBus bus;

    NamespaceRuntime(UnsConfig config) {
        UnsConfig.Namespace ns = config.namespace();
        this.enforce = ns.enforce();
        this.reloadInterval = ns.reloadInterval();
        if (ns.maxLiveTopics() < 0) {
            throw new InvalidConfigException("uns.namespace.max-live-topics", "must not be negative, was "
                    + ns.maxLiveTopics());
        }
        Path file = Path.of(ns.file().orElse(config.configDir() + "/namespace.yaml"));
        if (ns.file().isPresent() && !Files.isRegularFile(file)) {
            // Only the default location may be absent: a configured file that is missing is a typo, not "no model".
            throw new InvalidConfigException(FILE_KEY, "the namespace model file " + file.toAbsolutePath()
                    + " does not exist");
        }
        this.reloader = new ModelReloader(file, this::installed);
        CompiledNamespace initial;
        try {
            initial = reloader.loadInitial();
        } catch (ModelException e) {
            throw new InvalidConfigException(FILE_KEY, "the namespace model is not usable: " + e.getMessage());
        }
        this.enforcer = new NamespaceEnforcer(initial, reporter);
        this.live = new LiveNamespace(this::tracked, ns.maxLiveTopics());
    }

    /** Topics the live namespace keeps: those the model accepts (or, unenforced, every non-reserved one). */
    private boolean tracked(String topic) {
        CompiledNamespace model = enforcer.current();
        return enforce ? model.classify(topic) >= 0 : !model.isReserved(topic);
    }

    /** Runs on the reloader's thread for every model after the first. */
    private void installed(CompiledNamespace model) {
        if (enforcer == null) {
            return; // the initial load, before construction finished
        }
        enforcer.install(model);
        live.retainTracked();
    }

    /** Lets the reporter publish violations, and the revision be announced, once the bus exists. */
    public void attach(UnsBus bus, Predicate<String> hasRetained) {
        reporter.attach(bus);
        enforcer.retainedLookup(hasRetained);
        this.bus = bus;
        reloader.onStatus(status -> announce());
    }

    /** Publishes the model in force and the reload state, retained, on {@value #SYS_TOPIC}. */
    public void announce() {
        UnsBus target = bus;
        if (target == null) {
            return;
        }
        ConfigFileReloader.Status<CompiledNamespace> status = reloader.status();
        var model = status.value().model();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", model.name());
        info.put("revision", model.revision());
        info.put("checksum", model.checksum());
        info.put("source", model.source());
        info.put("enforced", enforce);
        info.put("loadedAt", status.loadedAt().toString());
        info.put("reloads", status.reloads());
        info.put("lastError", status.lastError());
        try {
            target.publish(UnsMessage.of(SYS_TOPIC, JSON.writeValueAsBytes(info), 0, true, MessageProperties.NONE,
                    ViolationReporter.ORIGIN));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the namespace state", e);
        }
    }

    /** Announces the model and starts watching its file. */
    public void startReloading() {
        announce();
        if (!reloadInterval.isZero() && !reloadInterval.isNegative()) {
            reloader.start(reloadInterval);
        }
    }

    public void stop() {
        reloader.close();
    }

    public PublishGuard guard() {
        return enforce ? enforcer : PublishGuard.ACCEPT_ALL;
    }

    /** SUBACK reason code for a filter in strict mode (0 = allowed). */
    public int checkSubscription(String filter) {
        return enforce ? enforcer.checkSubscription(filter) : 0;
    }

    public boolean enforcing() {
        return enforce;
    }

    public CompiledNamespace current() {
        return enforcer.current();
    }

    public NamespaceEnforcer enforcer() {
        return enforcer;
    }

    public ModelReloader reloader() {
        return reloader;
    }

    public LiveNamespace live() {
        return live;
    }
}
