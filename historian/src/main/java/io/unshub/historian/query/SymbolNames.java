package io.unshub.historian.query;

import io.questdb.cairo.sql.Record;

import java.util.Arrays;

/**
 * The names of one symbol column for the length of one query, one {@code String} per symbol key instead of one
 * per row. Symbol keys are dense from 0 within a table, so an array indexed by key is the whole cache; keys beyond
 * {@link #MAX_KEYS} are read per row.
 *
 * <p>Not thread-safe: owned by the thread running the query.
 */
final class SymbolNames {

    private static final int INITIAL_KEYS = 256;
    static final int MAX_KEYS = 1 << 20;

    private final int column;
    private String[] names = new String[INITIAL_KEYS];

    SymbolNames(int column) {
        this.column = column;
    }

    /** The current row's symbol key (negative for a null symbol). */
    int key(Record row) {
        return row.getInt(column);
    }

    /** The current row's value of the column; {@code null} for a null symbol. */
    String name(Record row) {
        int key = row.getInt(column);
        if (key < 0 || key >= MAX_KEYS) {
            return text(row.getSymA(column));
        }
        if (key >= names.length) {
            names = Arrays.copyOf(names, Math.min(MAX_KEYS, Math.max(key + 1, names.length * 2)));
        }
        String name = names[key];
        if (name == null) {
            name = text(row.getSymA(column));
            names[key] = name;
        }
        return name;
    }

    private static String text(CharSequence value) {
        return value == null ? null : value.toString();
    }
}
