package io.unshub.core.config;

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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Loads one YAML config file at start-up and reloads it when it changes, for every file the hub reloads the
 * same way (namespace model, ACL). The file is polled ({@link FileStamp}) rather than watched, which also sees
 * the symlink swaps of mounted config maps and works on every file system.
 *
 * <ul>
 *   <li>No file at start-up: the {@code whenAbsent} value. A file that appears later is loaded.</li>
 *   <li>A broken file at start-up: {@link #loadInitial} throws; the hub must not start.</li>
 *   <li>A broken edit or a failure while loading: the value in force stays, {@link #status()} carries the
 *       error, and a failure that is not the file's fault is tried again on the next poll.</li>
 *   <li>A deleted file: the value in force stays (deleting a file must not loosen the rules).</li>
 * </ul>
 *
 * <p>Threads: {@link #loadInitial} on the caller; polls on one daemon thread of its own, the only thread that
 * calls {@code install} and the status listener after start-up.
 *
 * @param <T> what the file is loaded into
 * @param <E> the file's own error type, naming file, line and key
 */
public class ConfigFileReloader<T, E extends ConfigFileException> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileReloader.class);

    /** Reads and checks the file. */
    @FunctionalInterface
    public interface Loader<T, E extends ConfigFileException> {
        T load(Path file) throws E;
    }

    /**
     * What the reloader knows.
     *
     * @param value       what is in force
     * @param loadedAt    when it was loaded
     * @param lastError   why the last change of the file was not taken (broken, removed, failed), or {@code null}
     * @param lastErrorAt when that happened
     * @param reloads     successful reloads since start
     */
    public record Status<T>(T value, Instant loadedAt, String lastError, Instant lastErrorAt, int reloads) {
    }

    private final String what;
    private final Path file;
    private final Loader<T, E> loader;
    private final Supplier<T> whenAbsent;
    private final Consumer<T> install;
    private final Function<T, String> describe;
    private volatile Status<T> status;
    private volatile Consumer<Status<T>> statusListener = s -> { };
    private volatile Runnable afterPoll = () -> { };
    private FileStamp stamp;
    private ScheduledExecutorService poller;

    /**
     * @param what       names the file in logs and the polling thread ({@code namespace model}, {@code ACL})
     * @param file       the file; need not exist
     * @param loader     reads and checks it
     * @param whenAbsent the value when there is no file at start-up
     * @param install    receives every value put in force, the first one included
     * @param describe   a short description of a value for the log (revision, rule count)
     */
    protected ConfigFileReloader(String what, Path file, Loader<T, E> loader, Supplier<T> whenAbsent,
                                 Consumer<T> install, Function<T, String> describe) {
        this.what = Objects.requireNonNull(what, "what");
        this.file = Objects.requireNonNull(file, "file");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.whenAbsent = Objects.requireNonNull(whenAbsent, "whenAbsent");
        this.install = Objects.requireNonNull(install, "install");
        this.describe = Objects.requireNonNull(describe, "describe");
    }

    /**
     * Loads the file, or takes the {@code whenAbsent} value when there is none, and installs it.
     *
     * @throws E when the file exists but cannot be used (start-up must fail)
     */
    public synchronized T loadInitial() throws E {
        stamp = FileStamp.of(file);
        T value;
        if (stamp == null) {
            value = whenAbsent.get();
            LOG.warn("no {} file at {}: using {}", what, file, describe.apply(value));
        } else {
            value = loader.load(file);
            LOG.info("{} from {}: {}", what, file, describe.apply(value));
        }
        install.accept(value);
        status = new Status<>(value, Instant.now(), null, null, 0);
        return value;
    }

    /** Starts polling the file every {@code interval}; zero or negative leaves hot reload off. */
    public synchronized void start(Duration interval) {
        if (poller != null || interval.isZero() || interval.isNegative()) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "uns-" + what.replace(' ', '-') + "-reload");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(10, interval.toMillis());
        poller.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} on the polling thread after every poll (e.g. to flush a rate-limited log). */
    public void afterPoll(Runnable task) {
        this.afterPoll = Objects.requireNonNull(task, "task");
    }

    /** A scheduled task that throws is never run again; nothing may escape the poll. */
    private void pollSafely() {
        try {
            reloadIfChanged();
            afterPoll.run();
        } catch (Throwable t) {
            LOG.error("{} reload check failed; will check again", what, t);
        }
    }

    /** Checks the file once and reloads it if it changed; returns whether a new value was installed. */
    public synchronized boolean reloadIfChanged() {
        if (status == null) {
            throw new IllegalStateException("loadInitial() first");
        }
        Status<T> before = status;
        try {
            return reload();
        } finally {
            if (status != before) {
                statusListener.accept(status);
            }
        }
    }

    private boolean reload() {
        Status<T> previous = status;
        String kept = describe.apply(previous.value());
        try {
            FileStamp now = FileStamp.of(file);
            if (Objects.equals(now, stamp)) {
                return false;
            }
            stamp = now;
            if (now == null) {
                status = new Status<>(previous.value(), previous.loadedAt(), file + " was removed; keeping " + kept,
                        Instant.now(), previous.reloads());
                LOG.warn("{} file {} was removed; keeping {}", what, file, kept);
                return false;
            }
            T value;
            try {
                value = loader.load(file);
            } catch (ConfigFileException e) {
                status = new Status<>(previous.value(), previous.loadedAt(), e.getMessage(), Instant.now(),
                        previous.reloads());
                LOG.error("{} not reloaded, keeping {}: {}", what, kept, e.getMessage());
                return false;
            }
            install.accept(value);
            status = new Status<>(value, Instant.now(), null, null, previous.reloads() + 1);
            LOG.info("{} reloaded from {}: {}", what, file, describe.apply(value));
            return true;
        } catch (RuntimeException e) {
            status = new Status<>(previous.value(), previous.loadedAt(), file + ": reload failed: " + e, Instant.now(),
                    previous.reloads());
            stamp = null; // try again on the next poll
            LOG.error("{} reload failed, keeping {}", what, kept, e);
            return false;
        }
    }

    /** Also tells {@code listener} (on the polling thread) whenever the status changes after start-up. */
    public void onStatus(Consumer<Status<T>> listener) {
        this.statusListener = Objects.requireNonNull(listener, "listener");
    }

    public Path file() {
        return file;
    }

    /** What the reloader knows; {@code null} before {@link #loadInitial}. */
    public Status<T> status() {
        return status;
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }
}
