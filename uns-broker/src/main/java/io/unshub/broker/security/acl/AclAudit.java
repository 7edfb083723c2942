package io.unshub.broker.security.acl;

import io.unshub.core.message.Origin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Writes ACL denials to the audit log ({@code io.unshub.audit}), at most {@code maxLines} per window and then
 * one "N more" line, so that a client hammering a forbidden topic cannot flood the log. The summary is written
 * by the first denial of the next window or by {@link #flush()} (the reloader calls it on every poll).
 *
 * <p>Thread-safe: called on any publisher's or subscriber's thread; the counters are atomics, and at a window
 * boundary a few lines more than {@code maxLines} may slip through.
 */
final class AclAudit {

    /** Where the lines go; the audit logger in production, a list in tests. */
    @FunctionalInterface
    interface Sink {
        void line(String text);
    }

    static final int MAX_LINES = 20;
    static final Duration WINDOW = Duration.ofSeconds(10);
    /** Longest topic or filter written in full; longer ones are cut (a topic may be 64 KB). */
    private static final int MAX_SUBJECT = 256;
    private static final Logger AUDIT = LoggerFactory.getLogger("io.unshub.audit");

    private final LongSupplier clock;
    private final int maxLines;
    private final long windowNanos;
    private final Sink sink;
    private final AtomicLong windowStart;
    private final AtomicInteger inWindow = new AtomicInteger();
    private final AtomicLong suppressed = new AtomicLong();

    AclAudit() {
        this(System::nanoTime, MAX_LINES, WINDOW, AUDIT::warn);
    }

    AclAudit(LongSupplier clock, int maxLines, Duration window, Sink sink) {
        this.clock = clock;
        this.maxLines = maxLines;
        this.windowNanos = window.toNanos();
        this.sink = sink;
        this.windowStart = new AtomicLong(clock.getAsLong());
    }

    /** Records one denial of a client whose address is not known. */
    void denied(AclAction action, Origin origin, String subject, Verdict verdict) {
        denied(action, origin, subject, verdict, null);
    }

    /**
     * Records one denial.
     *
     * @param subject the topic (publish) or the filter as requested (subscribe)
     * @param address the network client's remote address ({@code host:port}), or {@code null} when it is unknown
     *                (an in-process component; a will whose connection is gone)
     */
    void denied(AclAction action, Origin origin, String subject, Verdict verdict, String address) {
        roll();
        if (inWindow.incrementAndGet() > maxLines) {
            suppressed.incrementAndGet();
            return;
        }
        StringBuilder line = new StringBuilder(160).append("ACL denied ").append(action.word());
        if (origin.kind() == Origin.Kind.WILL) {
            line.append(" (will)");
        }
        if (origin.kind() == Origin.Kind.INTERNAL) {
            line.append(": component '").append(printable(origin.id())).append('\'');
        } else {
            line.append(": client '").append(printable(origin.id())).append("' user ")
                    .append(origin.username() == null ? "(anonymous)" : "'" + printable(origin.username()) + "'")
                    .append(" from ").append(address == null ? "(address unknown)" : printable(address));
        }
        line.append(action == AclAction.PUBLISH ? " topic '" : " filter '").append(printable(subject))
                .append("' by ").append(verdict.decidedBy());
        sink.line(line.toString());
    }

    /** Writes the "N more" line of a window that has ended, if there is one. */
    void flush() {
        roll();
    }

    private void roll() {
        long now = clock.getAsLong();
        long start = windowStart.get();
        if (now - start >= windowNanos && windowStart.compareAndSet(start, now)) {
            inWindow.set(0);
            long more = suppressed.getAndSet(0);
            if (more > 0) {
                sink.line("ACL denied " + more + " more requests in the last " + (windowNanos / 1_000_000_000L)
                        + " s that were not logged one by one (limit " + maxLines + " lines per window)");
            }
        }
    }

    /** Client ids, user names and topics come from the network: no control characters into the log, no 64 KB lines. */
    private static String printable(String text) {
        int n = Math.min(text.length(), MAX_SUBJECT);
        StringBuilder out = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return n < text.length() ? out.append("...").toString() : out.toString();
    }
}
