package io.unshub.namespace.load;

import io.unshub.core.config.FileStamp;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.model.NamespaceModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Loads the namespace model file at start-up and reloads it when it changes. The file is polled (its
 * modification time, size and file key) rather than watched, because polling also sees the symlink swaps
 * of mounted config maps and works on every file system. A broken edit keeps the previous model and is
 * reported in {@link #status()}; a deleted file keeps the current model too.
 *
 * <p>Threads: {@link #loadInitial} on the caller; polls on one daemon thread of its own, which is also
 * the only thread that calls the {@code onChange} consumer after start-up.
 */
public final class ModelReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelReloader.class);

    private final Path file;
    private final Consumer<CompiledNamespace> onChange;
    private volatile Status status;
    private volatile Consumer<Status> statusListener = s -> { };
    private FileStamp stamp;
    private ScheduledExecutorService poller;

    /**
     * @param file     the model file ({@code config/namespace.yaml}); need not exist
     * @param onChange receives every newly loaded model, the first one included
     */
    public ModelReloader(Path file, Consumer<CompiledNamespace> onChange) {
        this.file = Objects.requireNonNull(file, "file");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
    }

    /**
     * Loads the file, or the built-in model when there is none, and hands it to {@code onChange}.
     *
     * @throws ModelException when the file exists but is not a usable model (start-up must fail)
     */
    public synchronized CompiledNamespace loadInitial() throws ModelException {
        stamp = FileStamp.of(file);
        CompiledNamespace compiled = stamp == null ? CompiledNamespace.compile(ModelLoader.builtIn()) : compile(file);
        status = new Status(compiled, Instant.now(), null, null, 0);
        onChange.accept(compiled);
        LOG.info("namespace model '{}' revision {} from {}", compiled.model().name(), compiled.model().revision(),
                compiled.model().source());
        return compiled;
    }

    /** Starts polling the file every {@code interval}. */
    public synchronized void start(Duration interval) {
        if (poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "uns-namespace-reload");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(10, interval.toMillis());
        poller.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** A scheduled task that throws is never run again; nothing may escape the poll. */
    private void pollSafely() {
        try {
            reloadIfChanged();
        } catch (Throwable t) {
            LOG.error("namespace model reload check failed; will check again", t);
        }
    }

    /** Checks the file once and reloads it if it changed; returns whether a new model was installed. */
    public synchronized boolean reloadIfChanged() {
        Status before = status;
        try {
            return reload();
        } finally {
            if (status != before) {
                statusListener.accept(status);
            }
        }
    }

    private boolean reload() {
        try {
            FileStamp now = FileStamp.of(file);
            if (Objects.equals(now, stamp)) {
                return false;
            }
            stamp = now;
            Status previous = status;
            if (now == null) {
                status = new Status(previous.model(), previous.loadedAt(),
                        file + " was removed; keeping revision " + previous.model().model().revision(),
                        Instant.now(), previous.reloads());
                LOG.warn("namespace model file {} was removed; keeping revision {}", file,
                        previous.model().model().revision());
                return false;
            }
            try {
                CompiledNamespace compiled = compile(file);
                status = new Status(compiled, Instant.now(), null, null, previous.reloads() + 1);
                onChange.accept(compiled);
                LOG.info("namespace model reloaded: '{}' revision {}", compiled.model().name(),
                        compiled.model().revision());
                return true;
            } catch (ModelException e) {
                status = new Status(previous.model(), previous.loadedAt(), e.getMessage(), Instant.now(),
                        previous.reloads());
                LOG.error("namespace model not reloaded, keeping revision {}: {}", previous.model().model().revision(),
                        e.getMessage());
                return false;
            }
        } catch (RuntimeException e) {
            Status previous = status;
            status = new Status(previous.model(), previous.loadedAt(), file + ": reload failed: " + e, Instant.now(),
                    previous.reloads());
            stamp = null; // try again on the next poll
            LOG.error("namespace model reload failed, keeping revision {}", previous.model().model().revision(), e);
            return false;
        }
    }

    /** Loads and compiles; whatever goes wrong is reported against the file. */
    private static CompiledNamespace compile(Path file) throws ModelException {
        NamespaceModel model = ModelLoader.load(file);
        try {
            return CompiledNamespace.compile(model);
        } catch (RuntimeException e) {
            throw new ModelException(file.toString(), 0, "", "the model does not compile: " + e.getMessage());
        }
    }

    /** Also tells {@code listener} (on the reloader's thread) whenever the status changes after start-up. */
    public void onStatus(Consumer<Status> listener) {
        this.statusListener = Objects.requireNonNull(listener, "listener");
    }

    public Path file() {
        return file;
    }

    public Status status() {
        return status;
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }

    /**
     * What the reloader knows.
     *
     * @param model       the model in force
     * @param loadedAt    when it was loaded
     * @param lastError   why the last reload was refused, or {@code null} when the file and the model agree
     * @param lastErrorAt when that happened
     * @param reloads     successful reloads since start
     */
    public record Status(CompiledNamespace model, Instant loadedAt, String lastError, Instant lastErrorAt, int reloads) {
    }
}
