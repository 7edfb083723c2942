package io.unshub.broker.routing;

/**
 * An immutable open-addressing map from topic level to tree node that can be probed with a region of
 * a topic string, so matching a topic needs no substring per level. Replaced wholesale on change
 * (changes are rare: they happen on subscribe/unsubscribe only).
 */
final class ChildTable {

    static final ChildTable EMPTY = new ChildTable(new String[0], new SubscriptionTree.Node[0], 0);

    private final String[] keys;
    private final SubscriptionTree.Node[] nodes;
    private final int size;

    private ChildTable(String[] keys, SubscriptionTree.Node[] nodes, int size) {
        this.keys = keys;
        this.nodes = nodes;
        this.size = size;
    }

    int size() {
        return size;
    }

    static int hash(CharSequence s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    SubscriptionTree.Node get(String topic, int from, int to) {
        if (size == 0) {
            return null;
        }
        int mask = keys.length - 1;
        int length = to - from;
        for (int i = hash(topic, from, to) & mask; ; i = (i + 1) & mask) {
            String key = keys[i];
            if (key == null) {
                return null;
            }
            if (key.length() == length && key.regionMatches(0, topic, from, length)) {
                return nodes[i];
            }
        }
    }

    SubscriptionTree.Node get(String segment) {
        return get(segment, 0, segment.length());
    }

    ChildTable with(String segment, SubscriptionTree.Node node) {
        int capacity = Math.max(4, Integer.highestOneBit(Math.max(1, (size + 1) * 2 - 1)) << 1);
        String[] newKeys = new String[capacity];
        SubscriptionTree.Node[] newNodes = new SubscriptionTree.Node[capacity];
        int newSize = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null && !keys[i].equals(segment)) {
                insert(newKeys, newNodes, keys[i], nodes[i]);
                newSize++;
            }
        }
        insert(newKeys, newNodes, segment, node);
        return new ChildTable(newKeys, newNodes, newSize + 1);
    }

    ChildTable without(String segment) {
        if (get(segment) == null) {
            return this;
        }
        if (size == 1) {
            return EMPTY;
        }
        int capacity = Math.max(4, Integer.highestOneBit(Math.max(1, (size - 1) * 2 - 1)) << 1);
        String[] newKeys = new String[capacity];
        SubscriptionTree.Node[] newNodes = new SubscriptionTree.Node[capacity];
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null && !keys[i].equals(segment)) {
                insert(newKeys, newNodes, keys[i], nodes[i]);
            }
        }
        return new ChildTable(newKeys, newNodes, size - 1);
    }

    void forEach(java.util.function.Consumer<SubscriptionTree.Node> consumer) {
        for (SubscriptionTree.Node node : nodes) {
            if (node != null) {
                consumer.accept(node);
            }
        }
    }

    private static void insert(String[] keys, SubscriptionTree.Node[] nodes, String key, SubscriptionTree.Node node) {
        int mask = keys.length - 1;
        int i = hash(key, 0, key.length()) & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        nodes[i] = node;
    }
}
