package io.unshub.namespace.live;

import io.unshub.core.bus.PublishTap;
import io.unshub.core.message.UnsMessage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The current state of the namespace: the last value of every UNS topic, and the tree of their paths for
 * lazy browsing. Fed inline by the bus for every accepted message ({@link PublishTap}); reserved topics
 * ({@code $SYS}, Sparkplug ...) are not part of it.
 *
 * <p>Thread-safety: updates run on any publisher thread; a known topic costs one hash lookup, a volatile
 * write and an atomic increment, without locks. Adding or removing a topic (rare) takes one lock so the
 * map, the tree and its counts stay consistent; readers walk the concurrent maps without it. Beyond
 * {@code maxTopics} new topics are not kept (their messages are counted in {@link #untracked()}), so the
 * number of entries stays bounded whatever clients publish.
 */
public final class LiveNamespace implements PublishTap {

    private final ConcurrentHashMap<String, TopicValue> topics = new ConcurrentHashMap<>();
    private final PathNode root = new PathNode("", "");
    private final Predicate<String> tracked;
    private final int maxTopics;
    /** Guards structural changes: adding and removing topics in the map and the tree. */
    private final Object structure = new Object();
    private final LongAdder untracked = new LongAdder();

    /**
     * @param tracked   which topics belong to the namespace (the model's non-reserved topics)
     * @param maxTopics most topics kept
     */
    public LiveNamespace(Predicate<String> tracked, int maxTopics) {
        this.tracked = tracked;
        this.maxTopics = maxTopics;
    }

    @Override
    public void accepted(UnsMessage message) {
        TopicValue value = topics.get(message.topic());
        if (value != null) {
            value.update(message);
            return;
        }
        if (tracked.test(message.topic())) {
            addOrUpdate(message);
        }
    }

    /** A topic seen for the first time; rare, so one lock keeps the map, the tree and the size in step. */
    private void addOrUpdate(UnsMessage message) {
        String topic = message.topic();
        synchronized (structure) {
            TopicValue existing = topics.get(topic);
            if (existing != null) {
                existing.update(message);
                return;
            }
            if (topics.size() >= maxTopics) {
                untracked.increment();
                return;
            }
            TopicValue created = new TopicValue(message);
            PathNode node = root;
            int start = 0;
            while (true) {
                int end = topic.indexOf('/', start);
                String name = topic.substring(start, end < 0 ? topic.length() : end);
                String path = end < 0 ? topic : topic.substring(0, end);
                node.topicsBelow++;
                node = node.children.computeIfAbsent(name, n -> new PathNode(n, path));
                if (end < 0) {
                    break;
                }
                start = end + 1;
            }
            node.value = created;
            topics.put(topic, created); // last: a reader of the map never finds a topic missing from the tree
        }
    }

    /** Forgets topics the namespace no longer tracks (after a model change). Returns how many went. */
    public int retainTracked() {
        int removed = 0;
        synchronized (structure) {
            for (String topic : topics.keySet()) {
                if (!tracked.test(topic)) {
                    topics.remove(topic);
                    removeFromTree(topic);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Called with the structure lock held. */
    private void removeFromTree(String topic) {
        String[] names = topic.split("/", -1);
        List<PathNode> trail = new ArrayList<>();
        PathNode node = root;
        for (String name : names) {
            trail.add(node);
            node = node.children.get(name);
            if (node == null) {
                return;
            }
        }
        node.value = null;
        for (PathNode ancestor : trail) {
            ancestor.topicsBelow--;
        }
        for (int i = names.length - 1; i >= 0; i--) {
            PathNode parent = trail.get(i);
            PathNode child = parent.children.get(names[i]);
            if (child != null && child.value == null && child.children.isEmpty()) {
                parent.children.remove(names[i], child);
            } else {
                break;
            }
        }
    }

    /** Topics kept. */
    public int size() {
        return topics.size();
    }

    /** Messages on new topics that were not kept because {@code maxTopics} was reached. */
    public long untracked() {
        return untracked.sum();
    }

    public int maxTopics() {
        return maxTopics;
    }

    public Optional<TopicValue> value(String topic) {
        return Optional.ofNullable(topics.get(topic));
    }

    /**
     * The children of a path ({@code ""} for the top), sorted by name; empty when the path is unknown.
     */
    public Optional<List<Node>> children(String path) {
        PathNode node = find(path);
        if (node == null) {
            return Optional.empty();
        }
        List<Node> children = new ArrayList<>();
        for (PathNode child : node.children.values()) {
            children.add(child.view());
        }
        children.sort(Comparator.comparing(Node::name));
        return Optional.of(children);
    }

    /** The node at a path, if known. */
    public Optional<Node> node(String path) {
        PathNode node = find(path);
        return node == null || node == root ? Optional.empty() : Optional.of(node.view());
    }

    private PathNode find(String path) {
        if (path.isEmpty()) {
            return root;
        }
        PathNode node = root;
        int start = 0;
        while (node != null) {
            int end = path.indexOf('/', start);
            node = node.children.get(path.substring(start, end < 0 ? path.length() : end));
            if (end < 0) {
                return node;
            }
            start = end + 1;
        }
        return null;
    }

    /**
     * The current values of topics matching {@code filter}, in topic order, at most {@code limit} of them
     * after {@code after} (exclusive; {@code null} from the start). Walks only the matching part of the tree.
     */
    public List<TopicValue> values(String filter, String after, int limit) {
        List<TopicValue> found = new ArrayList<>();
        collect(root, filter.split("/", -1), 0, found);
        found.sort(Comparator.comparing(TopicValue::topic));
        int from = 0;
        if (after != null) {
            while (from < found.size() && found.get(from).topic().compareTo(after) <= 0) {
                from++;
            }
        }
        return List.copyOf(found.subList(from, from + Math.min(found.size() - from, limit)));
    }

    private void collect(PathNode node, String[] filter, int i, List<TopicValue> out) {
        if (i == filter.length) {
            if (node.value != null) {
                out.add(node.value);
            }
            return;
        }
        String segment = filter[i];
        if (segment.equals("#")) {
            if (node != root && node.value != null) {
                out.add(node.value); // '#' also matches its parent level
            }
            for (PathNode child : node.children.values()) {
                if (!hiddenFromWildcard(i, child)) {
                    all(child, out);
                }
            }
            return;
        }
        if (segment.equals("+")) {
            for (PathNode child : node.children.values()) {
                if (!hiddenFromWildcard(i, child)) {
                    collect(child, filter, i + 1, out);
                }
            }
            return;
        }
        PathNode child = node.children.get(segment);
        if (child != null) {
            collect(child, filter, i + 1, out);
        }
    }

    /** A wildcard first level never matches a topic starting with '$' [MQTT-4.7.2-1]. */
    private static boolean hiddenFromWildcard(int level, PathNode child) {
        return level == 0 && child.name.startsWith("$");
    }

    private void all(PathNode node, List<TopicValue> out) {
        if (node.value != null) {
            out.add(node.value);
        }
        for (PathNode child : node.children.values()) {
            all(child, out);
        }
    }

    /**
     * One path of the tree as the REST API shows it.
     *
     * @param name        the last segment
     * @param path        the full path
     * @param children    how many child segments it has
     * @param topicsBelow how many topics with a value lie strictly below it
     * @param value       the topic's live value when this path is itself a topic, else {@code null}
     */
    public record Node(String name, String path, int children, long topicsBelow, TopicValue value) {
    }

    /** A tree node; changed only under the structure lock. */
    private static final class PathNode {
        final String name;
        final String path;
        final ConcurrentHashMap<String, PathNode> children = new ConcurrentHashMap<>();
        /** Written under the structure lock, read by REST without it. */
        volatile long topicsBelow;
        volatile TopicValue value;

        PathNode(String name, String path) {
            this.name = name;
            this.path = path;
        }

        Node view() {
            return new Node(name, path, children.size(), topicsBelow, value);
        }
    }
}
