package io.unshub.broker.security.acl;

import io.unshub.core.config.FileStamp;
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
 * Loads {@code acl.yaml} into an {@link AclGuard} at start-up and reloads it when it changes. The file is
 * polled (modification time, size and file key) rather than watched, which also sees the symlink swaps of
 * mounted config maps and works on every file system.
 *
 * <ul>
 *   <li>No file at start-up: everything is allowed (and a warning says so). A file that appears later is loaded.</li>
 *   <li>A broken file at start-up: {@link #loadInitial} throws; the hub must not start.</li>
 *   <li>A broken edit: the rules in force stay, {@link #status()} carries the error.</li>
 *   <li>A deleted file: the rules in force stay (deleting the file does not open the broker).</li>
 *   <li>Connected clients are never dropped; their next publish or subscribe is judged by the new rules.
 *       Subscriptions granted earlier are not re-checked.</li>
 * </ul>
 *
 * <p>Threads: {@link #loadInitial} on the caller; polls on one daemon thread of its own, the only thread that
 * installs rules and calls the status listener after start-up.
 */
public final class AclReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AclReloader.class);

    private final Path file;
    private final AclGuard guard;
    private volatile Status status;
    private volatile Consumer<Status> statusListener = s -> { };
    private FileStamp stamp;
    private ScheduledExecutorService poller;

    /**
     * @param file  the ACL file ({@code config/acl.yaml}); need not exist
     * @param guard receives every newly loaded rule set, the first one included
     */
    public AclReloader(Path file, AclGuard guard) {
        this.file = Objects.requireNonNull(file, "file");
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /**
     * Loads the file, or allows everything when there is none, and installs the rules in the guard.
     *
     * @throws AclException when the file exists but cannot be used (start-up must fail)
     */
    public synchronized AclRules loadInitial() throws AclException {
        stamp = FileStamp.of(file);
        AclRules rules;
        if (stamp == null) {
            rules = AclRules.allowAll();
            LOG.warn("no ACL file at {}: every client may publish and subscribe to every topic", file);
        } else {
            rules = AclRules.load(file);
            LOG.info("ACL {}: {} rules, default {}", file, rules.size(), rules.defaultAllows() ? "allow" : "deny");
        }
        guard.install(rules);
        status = new Status(rules, Instant.now(), null, null, 0);
        return rules;
    }

    /** Starts polling the file every {@code interval}; zero or negative leaves hot reload off. */
    public synchronized void start(Duration interval) {
        if (poller != null || interval.isZero() || interval.isNegative()) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "uns-acl-reload");
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
            guard.flushAudit();
        } catch (Throwable t) {
            LOG.error("ACL reload check failed; will check again", t);
        }
    }

    /** Checks the file once and reloads it if it changed; returns whether new rules were installed. */
    public synchronized boolean reloadIfChanged() {
        if (status == null) {
            throw new IllegalStateException("loadInitial() first");
        }
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
        Status previous = status;
        try {
            FileStamp now = FileStamp.of(file);
            if (Objects.equals(now, stamp)) {
                return false;
            }
            stamp = now;
            if (now == null) {
                status = new Status(previous.rules(), previous.loadedAt(),
                        file + " was removed; keeping the rules loaded at " + previous.loadedAt(), Instant.now(),
                        previous.reloads());
                LOG.warn("ACL file {} was removed; keeping the rules in force ({} rules)", file, previous.rules().size());
                return false;
            }
            try {
                AclRules rules = AclRules.load(file);
                guard.install(rules);
                status = new Status(rules, Instant.now(), null, null, previous.reloads() + 1);
                LOG.info("ACL reloaded from {}: {} rules, default {}", file, rules.size(),
                        rules.defaultAllows() ? "allow" : "deny");
                return true;
            } catch (AclException e) {
                status = new Status(previous.rules(), previous.loadedAt(), e.getMessage(), Instant.now(),
                        previous.reloads());
                LOG.error("ACL not reloaded, keeping the rules in force: {}", e.getMessage());
                return false;
            }
        } catch (RuntimeException e) {
            status = new Status(previous.rules(), previous.loadedAt(), file + ": reload failed: " + e, Instant.now(),
                    previous.reloads());
            stamp = null; // try again on the next poll
            LOG.error("ACL reload failed, keeping the rules in force", e);
            return false;
        }
    }

    /** Also tells {@code listener} (on the reloader's thread) whenever the status changes after start-up. */
    public void onStatus(Consumer<Status> listener) {
        this.statusListener = Objects.requireNonNull(listener, "listener");
    }

    public Path file() {
        return file;
    }

    /** What the reloader knows; {@code null} before {@link #loadInitial}. */
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
     * @param rules       the rules in force
     * @param loadedAt    when they were loaded
     * @param lastError   why the last change of the file was not taken (broken, removed), or {@code null}
     * @param lastErrorAt when that happened
     * @param reloads     successful reloads since start
     */
    public record Status(AclRules rules, Instant loadedAt, String lastError, Instant lastErrorAt, int reloads) {
    }
}
