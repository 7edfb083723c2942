package io.unshub.sparkplug.host;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One edge node's counters for per-node metrics. The node's {@link SerialQueue} is the only writer; any thread
 * (a Prometheus scrape) reads them. A single writer needs no atomic increment, and opaque access keeps each read
 * untorn and eventually current without a fence or lock on the message path.
 */
public final class NodeCounters {

    private static final VarHandle MESSAGES;
    private static final VarHandle SEQ_GAPS;
    private static final VarHandle REBIRTHS;
    private static final VarHandle UNKNOWN;
    private static final VarHandle DECODE_ERRORS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            MESSAGES = l.findVarHandle(NodeCounters.class, "messages", long.class);
            SEQ_GAPS = l.findVarHandle(NodeCounters.class, "seqGaps", long.class);
            REBIRTHS = l.findVarHandle(NodeCounters.class, "rebirthsRequested", long.class);
            UNKNOWN = l.findVarHandle(NodeCounters.class, "unknownMetrics", long.class);
            DECODE_ERRORS = l.findVarHandle(NodeCounters.class, "decodeErrors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long messages;
    private long seqGaps;
    private long rebirthsRequested;
    private long unknownMetrics;
    private long decodeErrors;

    private static void bump(VarHandle h, NodeCounters c) {
        h.setOpaque(c, (long) h.getOpaque(c) + 1);
    }

    void messageReceived() {
        bump(MESSAGES, this);
    }

    void seqGap() {
        bump(SEQ_GAPS, this);
    }

    void rebirthRequested() {
        bump(REBIRTHS, this);
    }

    void unknownMetric() {
        bump(UNKNOWN, this);
    }

    void decodeError() {
        bump(DECODE_ERRORS, this);
    }

    /** Sparkplug messages received for this node (births, data, deaths of the node and its devices). */
    public long messages() {
        return (long) MESSAGES.getOpaque(this);
    }

    /** Gaps in its seq numbering. */
    public long seqGaps() {
        return (long) SEQ_GAPS.getOpaque(this);
    }

    /** Rebirth requests sent to it (automatic and on demand). */
    public long rebirthsRequested() {
        return (long) REBIRTHS.getOpaque(this);
    }

    /** DATA metrics (names or aliases) its births did not declare. */
    public long unknownMetrics() {
        return (long) UNKNOWN.getOpaque(this);
    }

    /** Payloads, or single metrics, that did not decode against its birth. */
    public long decodeErrors() {
        return (long) DECODE_ERRORS.getOpaque(this);
    }
}
