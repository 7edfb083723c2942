package io.unshub.broker.routing;

import io.unshub.core.topic.Topics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * All subscriptions, as a tree with one node per topic level. Matching is lock-free and allocates
 * nothing: it walks volatile, copy-on-write node state and probes children with regions of the topic.
 * Changes (subscribe, unsubscribe) are rare in a UNS and serialize on one lock; empty nodes are pruned.
 */
public final class SubscriptionTree {

    private static final Subscription[] NO_SUBSCRIPTIONS = new Subscription[0];
    private static final SharedGroup[] NO_GROUPS = new SharedGroup[0];

    static final class Node {
        final String segment;
        final Node parent;
        volatile ChildTable children = ChildTable.EMPTY;
        volatile Node plus;
        volatile Node hash;
        volatile Subscription[] subscriptions = NO_SUBSCRIPTIONS;
        volatile SharedGroup[] groups = NO_GROUPS;

        Node(String segment, Node parent) {
            this.segment = segment;
            this.parent = parent;
        }

        boolean isEmpty() {
            return subscriptions.length == 0 && groups.length == 0 && children.size() == 0 && plus == null
                    && hash == null;
        }
    }

    private final Node root = new Node("", null);
    private final Object writeLock = new Object();
    private int subscriptionCount;

    /**
     * Adds or replaces the subscription of its owner to its filter.
     *
     * @return true if the owner had no subscription to this filter before
     */
    public boolean add(Subscription subscription) {
        synchronized (writeLock) {
            Node node = nodeFor(subscription.matchFilter(), true);
            boolean added;
            String group = subscription.shareGroup();
            if (group == null) {
                Subscription[] current = node.subscriptions;
                int existing = indexOf(current, subscription.owner());
                if (existing >= 0) {
                    Subscription[] copy = current.clone();
                    copy[existing] = subscription;
                    node.subscriptions = copy;
                    added = false;
                } else {
                    Subscription[] copy = Arrays.copyOf(current, current.length + 1);
                    copy[current.length] = subscription;
                    node.subscriptions = copy;
                    added = true;
                }
            } else {
                SharedGroup shared = findGroup(node, group);
                if (shared == null) {
                    shared = new SharedGroup(group, subscription.matchFilter());
                    SharedGroup[] copy = Arrays.copyOf(node.groups, node.groups.length + 1);
                    copy[copy.length - 1] = shared;
                    node.groups = copy;
                }
                int before = shared.members().length;
                shared.put(subscription);
                added = shared.members().length > before;
            }
            if (added) {
                subscriptionCount++;
            }
            return added;
        }
    }

    /** Removes the owner's subscription to {@code filter} (as subscribed, with any share prefix). */
    public boolean remove(Subscriber owner, String filter) {
        synchronized (writeLock) {
            Node node = nodeFor(Topics.matchingFilter(filter), false);
            if (node == null) {
                return false;
            }
            boolean removed = false;
            if (Topics.isShared(filter)) {
                SharedGroup shared = findGroup(node, Topics.shareGroup(filter));
                if (shared != null && shared.remove(owner)) {
                    removed = true;
                    if (shared.isEmpty()) {
                        node.groups = Arrays.stream(node.groups).filter(g -> g != shared).toArray(SharedGroup[]::new);
                    }
                }
            } else {
                Subscription[] current = node.subscriptions;
                int index = indexOf(current, owner);
                if (index >= 0) {
                    Subscription[] copy = new Subscription[current.length - 1];
                    System.arraycopy(current, 0, copy, 0, index);
                    System.arraycopy(current, index + 1, copy, index, current.length - index - 1);
                    node.subscriptions = copy;
                    removed = true;
                }
            }
            if (removed) {
                subscriptionCount--;
                prune(node);
            }
            return removed;
        }
    }

    /** Calls {@code sink} for every subscription and shared group whose filter matches {@code topic}. */
    public void match(String topic, MatchSink sink) {
        boolean dollar = !topic.isEmpty() && topic.charAt(0) == '$';
        walk(root, topic, 0, dollar, sink);
    }

    private static void walk(Node node, String topic, int from, boolean dollar, MatchSink sink) {
        boolean wildcardsAllowed = from != 0 || !dollar; // [MQTT-4.7.2-1]
        int end = topic.indexOf('/', from);
        boolean last = end < 0;
        if (last) {
            end = topic.length();
        }
        if (wildcardsAllowed) {
            Node hash = node.hash;
            if (hash != null) {
                emit(hash, sink);
            }
        }
        Node literal = node.children.get(topic, from, end);
        Node plus = wildcardsAllowed ? node.plus : null;
        if (last) {
            if (literal != null) {
                emit(literal, sink);
                Node literalHash = literal.hash; // "a/#" also matches "a" [MQTT-4.7.1-2]
                if (literalHash != null) {
                    emit(literalHash, sink);
                }
            }
            if (plus != null) {
                emit(plus, sink);
                Node plusHash = plus.hash;
                if (plusHash != null) {
                    emit(plusHash, sink);
                }
            }
        } else {
            if (literal != null) {
                walk(literal, topic, end + 1, dollar, sink);
            }
            if (plus != null) {
                walk(plus, topic, end + 1, dollar, sink);
            }
        }
    }

    private static void emit(Node node, MatchSink sink) {
        for (Subscription subscription : node.subscriptions) {
            sink.onSubscription(subscription);
        }
        for (SharedGroup group : node.groups) {
            sink.onSharedGroup(group);
        }
    }

    public int subscriptionCount() {
        synchronized (writeLock) {
            return subscriptionCount;
        }
    }

    /** Every subscription, for REST and $SYS; a weakly consistent snapshot. */
    public List<Subscription> snapshot() {
        List<Subscription> all = new ArrayList<>();
        forEach(root, all::add);
        return all;
    }

    private static void forEach(Node node, Consumer<Subscription> consumer) {
        for (Subscription s : node.subscriptions) {
            consumer.accept(s);
        }
        for (SharedGroup g : node.groups) {
            for (Subscription s : g.members()) {
                consumer.accept(s);
            }
        }
        Node plus = node.plus;
        if (plus != null) {
            forEach(plus, consumer);
        }
        Node hash = node.hash;
        if (hash != null) {
            forEach(hash, consumer);
        }
        ChildTable children = node.children;
        children.forEach(child -> forEach(child, consumer));
    }

    private Node nodeFor(String filter, boolean create) {
        Node node = root;
        int from = 0;
        while (true) {
            int end = filter.indexOf('/', from);
            String segment = end < 0 ? filter.substring(from) : filter.substring(from, end);
            Node next;
            if (segment.equals("+")) {
                next = node.plus;
                if (next == null && create) {
                    next = new Node(segment, node);
                    node.plus = next;
                }
            } else if (segment.equals("#")) {
                next = node.hash;
                if (next == null && create) {
                    next = new Node(segment, node);
                    node.hash = next;
                }
            } else {
                next = node.children.get(segment);
                if (next == null && create) {
                    next = new Node(segment, node);
                    node.children = node.children.with(segment, next);
                }
            }
            if (next == null) {
                return null;
            }
            node = next;
            if (end < 0) {
                return node;
            }
            from = end + 1;
        }
    }

    private void prune(Node node) {
        while (node != root && node.isEmpty()) {
            Node parent = node.parent;
            if (parent.plus == node) {
                parent.plus = null;
            } else if (parent.hash == node) {
                parent.hash = null;
            } else {
                parent.children = parent.children.without(node.segment);
            }
            node = parent;
        }
    }

    private static int indexOf(Subscription[] subscriptions, Subscriber owner) {
        for (int i = 0; i < subscriptions.length; i++) {
            if (subscriptions[i].owner() == owner) {
                return i;
            }
        }
        return -1;
    }

    private static SharedGroup findGroup(Node node, String name) {
        for (SharedGroup group : node.groups) {
            if (group.name().equals(name)) {
                return group;
            }
        }
        return null;
    }
}
