package io.unshub.historian.retention;

import java.util.Map;

/**
 * How long history is kept, in days, per namespace class, with a default for the rest; 0 keeps forever.
 *
 * <p>QuestDB removes data by dropping whole day partitions, so the classes are stored in one set of tables
 * per distinct day count in force (a retention group, {@link io.unshub.historian.store.TableGroup}): each
 * group's partitions go when they are older than that group's days, so every class keeps exactly its own
 * retention. Classes with the default's day count, and topics without a class, share the default group.
 */
public record RetentionPolicy(int defaultDays, Map<String, Integer> classDays) {

    public RetentionPolicy {
        classDays = Map.copyOf(classDays);
        if (defaultDays < 0 || classDays.values().stream().anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException("retention days must not be negative");
        }
    }

    /** The days kept for {@code className} (the default for a class without its own entry, or {@code null}). */
    public int daysFor(String className) {
        return className == null ? defaultDays : classDays.getOrDefault(className, defaultDays);
    }
}
