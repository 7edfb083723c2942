package io.unshub.historian.store;

import io.questdb.cairo.TableToken;

/**
 * One retention group's tables: the raw log and the two value tables holding the messages of the classes
 * that keep the same number of days. Retention drops a group's old day partitions by its own day count,
 * so a class never keeps data longer than it asked because another class asked for more. Immutable.
 *
 * @param days    days kept (0 = forever); for the default group the configured default
 * @param inForce whether the retention policy in force routes classes here; a group left from an earlier
 *                configuration is still read and still expires by its own day count, but receives nothing new
 */
public record TableGroup(int days, boolean inForce, TableToken raw, TableToken numeric, TableToken text) {

    /** The raw-log table name (readers query it by name). */
    public String rawName() {
        return raw.getTableName();
    }

    /** The numeric value table name. */
    public String numericName() {
        return numeric.getTableName();
    }
}
