package io.unshub.historian.ingest;

import java.time.Duration;

/**
 * How the historian ingests.
 *
 * @param queueCapacity bound of the bus queue in front of the writer; beyond it messages are dropped and counted
 * @param batchSize     rows per commit at most; a full batch is committed at once
 * @param flushInterval the longest a received message waits before its commit (what a kill -9 may lose)
 * @param retryBackoffMax the longest pause between retries of a failed commit
 */
public record IngestSettings(int queueCapacity, int batchSize, Duration flushInterval, Duration retryBackoffMax) {
    public IngestSettings {
        if (queueCapacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("queueCapacity and batchSize must be positive");
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flushInterval must be positive");
        }
    }
}
