package io.unshub.historian.retention;

import io.unshub.historian.store.HistorianStore;
import io.unshub.historian.store.RowWriter;
import io.unshub.historian.store.TableGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Drops, in every retention group, the day partitions older than that group's days. Runs on the ingest
 * thread, which owns the writers; the counter is read from any thread.
 *
 * <p>After an upgrade from the single set of tables, the default group's partitions up to
 * {@link HistorianStore#legacyUntilMillis()} hold every class's older rows: they keep the rule they were
 * written under, the longest retention in force at the upgrade ({@link HistorianStore#legacyDays()}, forever when
 * any group kept forever).
 */
public final class RetentionTask {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionTask.class);
    private static final long DAY_MICROS = TimeUnit.DAYS.toMicros(1);

    private final HistorianStore store;
    private final List<TableGroup> groups;
    private final long legacyUntilMicros;
    private final int legacyDays;
    private final Clock clock;
    private volatile long partitionsDropped;

    public RetentionTask(HistorianStore store, Clock clock) {
        this.groups = store.groups();
        this.clock = clock;
        long legacy = store.legacyUntilMillis();
        this.legacyUntilMicros = legacy == HistorianStore.NO_LEGACY ? Long.MIN_VALUE : TimeUnit.MILLISECONDS.toMicros(legacy);
        this.legacyDays = store.legacyDays();
        this.store = store;
    }

    /**
     * Applies each group's retention once; returns the partitions dropped. {@code lastSequence}, the highest sequence
     * committed, is recorded first: dropping may empty every table holding it, and numbering must not go back.
     */
    public int apply(RowWriter writer, long lastSequence) {
        store.recordSequenceFloor(lastSequence);
        long nowMicros = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        int dropped = 0;
        for (int g = 0; g < groups.size(); g++) {
            int days = groups.get(g).days();
            boolean legacy = g == 0 && legacyUntilMicros != Long.MIN_VALUE;
            if (days == 0 && !legacy) {
                continue;
            }
            LongPredicate expired = expired(days, nowMicros);
            if (legacy) {
                LongPredicate current = expired;
                LongPredicate old = expired(legacyDays, nowMicros);
                expired = start -> start <= legacyUntilMicros ? old.test(start) : current.test(start);
            }
            int inGroup = writer.dropPartitions(g, expired, (table, e) ->
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

    /** Whether a day partition starting at the given microseconds ends {@code days} or more before now (0: never). */
    private static LongPredicate expired(int days, long nowMicros) {
        if (days == 0) {
            return start -> false;
        }
        long cutoff = nowMicros - days * DAY_MICROS;
        return start -> start + DAY_MICROS <= cutoff;
    }
}
