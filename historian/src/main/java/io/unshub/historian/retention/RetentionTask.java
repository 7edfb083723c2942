package io.unshub.historian.retention;

import io.unshub.historian.store.RowWriter;
import io.unshub.historian.store.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Drops the day partitions older than the policy allows; runs on the ingest thread, which owns the writers. */
public final class RetentionTask {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionTask.class);
    private static final List<String> TABLES = List.of(Schema.RAW, Schema.NUMERIC, Schema.TEXT);

    private final RetentionPolicy policy;
    private final Clock clock;
    private volatile long partitionsDropped;

    public RetentionTask(RetentionPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** Applies the policy once; returns the partitions dropped. */
    public int apply(RowWriter writer) {
        int days = policy.effectiveDays();
        if (days == 0) {
            return 0;
        }
        long cutoff = clock.millis() - TimeUnit.DAYS.toMillis(days);
        int dropped = 0;
        for (String table : TABLES) {
            try {
                dropped += writer.dropPartitionsBefore(table, cutoff);
            } catch (RuntimeException e) {
                LOG.warn("historian retention: cannot drop old partitions of {}: {}", table, e.toString());
            }
        }
        if (dropped > 0) {
            LOG.info("historian retention: dropped {} day partitions older than {} days", dropped, days);
        }
        partitionsDropped += dropped;
        return dropped;
    }

    public long partitionsDropped() {
        return partitionsDropped;
    }
}
