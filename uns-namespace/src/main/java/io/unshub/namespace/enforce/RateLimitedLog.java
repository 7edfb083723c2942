package io.unshub.namespace.enforce;

import org.slf4j.Logger;

/**
 * Logs at most {@code perWindow} lines per window and then one line saying how many were left out, so a
 * client that publishes garbage in a loop cannot flood the log. Thread-safe; the lock is only taken on the
 * reject path.
 */
final class RateLimitedLog {

    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private long windowStart;
    private int logged;
    private long suppressed;

    RateLimitedLog(Logger log, int perWindow, long windowNanos) {
        this.log = log;
        this.perWindow = perWindow;
        this.windowNanos = windowNanos;
        this.windowStart = System.nanoTime() - windowNanos;
    }

    void warn(String format, Object... args) {
        long left;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - windowStart >= windowNanos) {
                left = suppressed;
                windowStart = now;
                logged = 0;
                suppressed = 0;
            } else {
                left = 0;
            }
            if (logged >= perWindow) {
                suppressed++;
                return;
            }
            logged++;
        }
        if (left > 0) {
            log.warn("{} more namespace violations were not logged in the last window", left);
        }
        log.warn(format, args);
    }
}
