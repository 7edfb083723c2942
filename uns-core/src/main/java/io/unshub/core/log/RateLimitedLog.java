package io.unshub.core.log;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Log lines with a budget, for events a client can cause at will (refused logins, ACL denials, limit hits,
 * namespace violations): at most {@code linesPerWindow} lines per window, then one line saying that
 * further events are only counted, and at the start of the next window the number left out. A
 * connection storm or a flooding client thus costs the log a few dozen lines, while the metrics count
 * every event. Lines left out are not formatted, so a suppressed event costs a clock read and an atomic
 * increment.
 *
 * <p>Threading: any thread; the budget is shared by every caller of one instance.
 */
public final class RateLimitedLog {

    private final Logger logger;
    private final int linesPerWindow;
    private final long windowNanos;
    private final AtomicLong windowStart;
    private final AtomicInteger linesInWindow = new AtomicInteger();
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param logger         where the lines go (the hub's audit logger is {@code io.unshub.audit})
     * @param linesPerWindow lines written per window before the rest are only counted
     * @param window         the length of a window
     */
    public RateLimitedLog(Logger logger, int linesPerWindow, long window, TimeUnit unit) {
        if (linesPerWindow < 1 || window <= 0) {
            throw new IllegalArgumentException("linesPerWindow and window must be positive");
        }
        this.logger = logger;
        this.linesPerWindow = linesPerWindow;
        this.windowNanos = unit.toNanos(window);
        this.windowStart = new AtomicLong(System.nanoTime());
    }

    /** The budget the hub uses: 20 lines per 10 seconds. */
    public static RateLimitedLog standard(Logger logger) {
        return new RateLimitedLog(logger, 20, 10, TimeUnit.SECONDS);
    }

    /** Writes one warning if the budget allows, else counts it; arguments as in SLF4J. */
    public void warn(String format, Object... args) {
        if (permit(System.nanoTime())) {
            logger.warn(format, args);
        }
    }

    /** Writes one warning if the budget allows, else counts it; arguments as in SLF4J. */
    public void warn(String format, Object arg1, Object arg2, Object arg3, Object arg4) {
        if (permit(System.nanoTime())) {
            logger.warn(format, arg1, arg2, arg3, arg4);
        }
    }

    /** Writes one warning if the budget allows, else counts it; arguments as in SLF4J. */
    public void warn(String format, Object arg1, Object arg2, Object arg3) {
        if (permit(System.nanoTime())) {
            logger.warn(format, arg1, arg2, arg3);
        }
    }

    /** Writes one warning if the budget allows, else counts it; arguments as in SLF4J. */
    public void warn(String format, Object arg1, Object arg2) {
        if (permit(System.nanoTime())) {
            logger.warn(format, arg1, arg2);
        }
    }

    /**
     * Whether a line may be written at {@code nowNanos}; false means it was counted instead. Starting a new
     * window reports the count of the previous ones.
     */
    boolean permit(long nowNanos) {
        long start = windowStart.get();
        if (nowNanos - start >= windowNanos && windowStart.compareAndSet(start, nowNanos)) {
            linesInWindow.set(0);
            long left = suppressed.getAndSet(0);
            if (left > 0) {
                logger.warn("{} further events were counted but not logged (limit: {} lines per {} s)",
                        left, linesPerWindow, TimeUnit.NANOSECONDS.toSeconds(windowNanos));
            }
        }
        int line = linesInWindow.incrementAndGet();
        if (line <= linesPerWindow) {
            return true;
        }
        if (suppressed.getAndIncrement() == 0 && line == linesPerWindow + 1) {
            logger.warn("more than {} such events within {} s: further ones are counted in the metrics and "
                    + "summarised here when the window ends", linesPerWindow, TimeUnit.NANOSECONDS.toSeconds(windowNanos));
        }
        return false;
    }

    /** Events counted but not logged since the current window started (for tests). */
    long suppressed() {
        return suppressed.get();
    }
}
