package io.unshub.sparkplug.host;

import java.util.concurrent.atomic.LongAdder;

/**
 * Host-wide counters for metrics and health. Incremented on the nodes' serial queues and the dispatcher,
 * read from anywhere.
 */
public final class HostCounters {

    final LongAdder messages = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder seqGaps = new LongAdder();
    final LongAdder rebirthsRequested = new LongAdder();
    final LongAdder rebirthsThrottled = new LongAdder();
    final LongAdder unknownMetrics = new LongAdder();
    final LongAdder duplicateNodes = new LongAdder();
    final LongAdder staleDeathsIgnored = new LongAdder();
    final LongAdder commandsSent = new LongAdder();
    final LongAdder commandsFailed = new LongAdder();
    final LongAdder retainedCommandsIgnored = new LongAdder();

    /** Sparkplug messages received on {@code spBv1.0/#} (STATE and commands excluded). */
    public long messages() {
        return messages.sum();
    }

    /** Payloads that did not decode. */
    public long malformed() {
        return malformed.sum();
    }

    /** Gaps in the seq numbering (each gap once, filled or not). */
    public long seqGaps() {
        return seqGaps.sum();
    }

    /** Rebirth requests sent (automatic and on demand). */
    public long rebirthsRequested() {
        return rebirthsRequested.sum();
    }

    /** Rebirth requests held back by the per-node throttle. */
    public long rebirthsThrottled() {
        return rebirthsThrottled.sum();
    }

    /** DATA metrics with a name or alias their birth did not declare. */
    public long unknownMetrics() {
        return unknownMetrics.sum();
    }

    /** Births or data for a node that is online through another connection. */
    public long duplicateNodes() {
        return duplicateNodes.sum();
    }

    /** NDEATHs ignored: wrong bdSeq, another connection's will, or a node already offline. */
    public long staleDeathsIgnored() {
        return staleDeathsIgnored.sum();
    }

    /** NCMD/DCMD sent for writes on command topics. */
    public long commandsSent() {
        return commandsSent.sum();
    }

    /** Writes on command topics that were answered with an error. */
    public long commandsFailed() {
        return commandsFailed.sum();
    }

    /** Retained messages on command topics, never executed. */
    public long retainedCommandsIgnored() {
        return retainedCommandsIgnored.sum();
    }
}
