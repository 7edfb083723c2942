package io.unshub.historian.retention;

import io.unshub.historian.store.HistorianStore;
import io.unshub.historian.store.RowWriter;
import io.unshub.historian.store.TableGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drops, in every retention group, the day partitions older than that group's days. Runs on the ingest
 * thread, which owns the writers; the counter is read from any thread.
 */
public final class RetentionTask {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionTask.class);

    private final List<TableGroup> groups;
    private final Clock clock;
    private volatile long partitionsDropped;

    public RetentionTask(HistorianStore store, Clock clock) {
        this.groups = store.groups();
        this.clock = clock;
    }

    /** Applies each group's retention once; returns the partitions dropped. */
    public int apply(RowWriter writer) {
        int dropped = 0;
        for (int g = 0; g < groups.size(); g++) {
            int days = groups.get(g).days();
            if (days == 0) {
                continue;
            }
            long cutoff = clock.millis() - TimeUnit.DAYS.toMillis(days);
            int inGroup = writer.dropPartitionsBefore(g, cutoff, (table, e) ->
                    LOG.warn("historian retention: cannot drop old partitions of {}: {}", table.getTableName(), e.toString()));
            if (inGroup > 0) {
                LOG.info("historian retention: dropped {} day partitions older than {} days from {}", inGroup, days,
                        groups.get(g).rawName());
            }
            dropped += inGroup;
        }
        partitionsDropped += dropped;
        return dropped;
    }

    public long partitionsDropped() {
        return partitionsDropped;
    }
}
