package io.unshub.namespace.check;

import java.util.Map;

/**
 * An immutable open-addressing table from names to values that is probed with a range of a topic
 * string, so looking up a segment allocates nothing. Built once per model revision.
 */
final class NameTable<V> {

    private final String[] keys;
    private final Object[] values;
    private final int mask;
    private final int size;

    NameTable(Map<String, V> entries) {
        int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2 - 1)) << 1;
        keys = new String[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        size = entries.size();
        for (Map.Entry<String, V> e : entries.entrySet()) {
            String key = e.getKey();
            int slot = hash(key, 0, key.length()) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = e.getValue();
        }
    }

    /** The value for {@code topic[from, to)}, or {@code null}. */
    @SuppressWarnings("unchecked")
    V get(String topic, int from, int to) {
        int length = to - from;
        int slot = hash(topic, from, to) & mask;
        while (true) {
            String key = keys[slot];
            if (key == null) {
                return null;
            }
            if (key.length() == length && topic.regionMatches(from, key, 0, length)) {
                return (V) values[slot];
            }
            slot = (slot + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    private static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }
}
