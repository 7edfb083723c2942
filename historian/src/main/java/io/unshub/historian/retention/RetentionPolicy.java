package io.unshub.historian.retention;

import java.util.Map;

/**
 * How long history is kept, in days, per namespace class, with a default for the rest; 0 keeps forever.
 *
 * <p>All classes share the day partitions of each table, and QuestDB removes data by dropping whole
 * partitions, so a partition goes when it is older than the <em>longest</em> retention of any class:
 * a class with a shorter retention keeps its data until then. Give classes with very different needs
 * the same retention, or accept the longer one.
 */
public record RetentionPolicy(int defaultDays, Map<String, Integer> classDays) {

    public RetentionPolicy {
        classDays = Map.copyOf(classDays);
        if (defaultDays < 0 || classDays.values().stream().anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException("retention days must not be negative");
        }
    }

    /** The age in days after which a partition is dropped, or 0 for never. */
    public int effectiveDays() {
        if (defaultDays == 0 || classDays.containsValue(0)) {
            return 0;
        }
        int days = defaultDays;
        for (int d : classDays.values()) {
            days = Math.max(days, d);
        }
        return days;
    }
}
