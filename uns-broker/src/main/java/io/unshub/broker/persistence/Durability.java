package io.unshub.broker.persistence;

import java.util.Locale;

/**
 * When a committed {@link StoreBatch} counts as durable, i.e. when its future completes and the broker
 * may send the PUBACK/PUBREC it held back.
 *
 * <ul>
 *   <li>{@link SyncEach}: every batch is written and fsynced on its own before its future completes.
 *       Survives power loss; one fsync per batch, however many callers wait.</li>
 *   <li>{@link GroupCommit}: the writer collects batches for up to {@code intervalMillis} after the first
 *       one arrives (plus whatever queued meanwhile), writes them and fsyncs once; each future completes
 *       after the fsync that covered it. Survives power loss. With 0 ms nothing waits for a timer: each
 *       fsync covers whatever queued while the previous one ran, so a lone caller pays one fsync and
 *       many callers share them.</li>
 *   <li>{@link NoSync}: written to the WAL in the operating system's page cache, not fsynced. Survives a
 *       crash or {@code kill -9} of the hub, <b>not</b> power loss or a kernel crash. Not a default.</li>
 * </ul>
 */
public sealed interface Durability {

    /** The default: keeps "nothing acknowledged is lost" on power loss at no added latency. */
    Durability DEFAULT = new GroupCommit(0);

    static Durability syncEach() {
        return new SyncEach();
    }

    static Durability groupCommit(long intervalMillis) {
        return new GroupCommit(intervalMillis);
    }

    static Durability noSync() {
        return new NoSync();
    }

    /** True if a completed commit has been fsynced (survives power loss). */
    boolean survivesPowerLoss();

    /**
     * Parses a configuration value: {@code sync-each}, {@code group-commit} (0 ms),
     * {@code group-commit:<n>ms} or {@code no-sync}; case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    static Durability parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("sync-each")) {
            return syncEach();
        }
        if (v.equals("no-sync")) {
            return noSync();
        }
        if (v.equals("group-commit")) {
            return groupCommit(0);
        }
        if (v.startsWith("group-commit:")) {
            String interval = v.substring("group-commit:".length());
            if (interval.endsWith("ms")) {
                interval = interval.substring(0, interval.length() - 2);
            }
            try {
                return groupCommit(Long.parseLong(interval.trim()));
            } catch (IllegalArgumentException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("durability must be sync-each, group-commit, group-commit:<n>ms or"
                + " no-sync, was '" + value + "'");
    }

    /** fsync every batch before completing it. */
    record SyncEach() implements Durability {
        @Override
        public boolean survivesPowerLoss() {
            return true;
        }

        @Override
        public String toString() {
            return "sync-each";
        }
    }

    /** Collect batches for up to {@code intervalMillis}, fsync once, then complete them all. */
    record GroupCommit(long intervalMillis) implements Durability {
        public GroupCommit {
            if (intervalMillis < 0 || intervalMillis > 10_000) {
                throw new IllegalArgumentException("group commit interval must be 0..10000 ms, was " + intervalMillis);
            }
        }

        @Override
        public boolean survivesPowerLoss() {
            return true;
        }

        @Override
        public String toString() {
            return "group-commit:" + intervalMillis + "ms";
        }
    }

    /** Write to the WAL without fsync: survives a process crash only. */
    record NoSync() implements Durability {
        @Override
        public boolean survivesPowerLoss() {
            return false;
        }

        @Override
        public String toString() {
            return "no-sync";
        }
    }
}
