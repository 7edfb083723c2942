package io.unshub.broker.routing;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The members of one shared subscription {@code $share/<name>/<filter>}. Each message goes to one member:
 * round robin over the members that are connected, falling back to round robin over all members (their
 * sessions queue it) when none is. Members are replaced copy-on-write under the tree's write lock and
 * read lock-free by publishers.
 */
public final class SharedGroup {

    private static final Subscription[] NONE = new Subscription[0];

    private final String name;
    private final String filter;
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile Subscription[] members = NONE;

    SharedGroup(String name, String filter) {
        this.name = name;
        this.filter = filter;
    }

    public String name() {
        return name;
    }

    public String filter() {
        return filter;
    }

    public Subscription[] members() {
        return members;
    }

    boolean isEmpty() {
        return members.length == 0;
    }

    void put(Subscription subscription) {
        Subscription[] current = members;
        for (int i = 0; i < current.length; i++) {
            if (current[i].owner() == subscription.owner()) {
                Subscription[] copy = current.clone();
                copy[i] = subscription;
                members = copy;
                return;
            }
        }
        Subscription[] copy = Arrays.copyOf(current, current.length + 1);
        copy[current.length] = subscription;
        members = copy;
    }

    boolean remove(Subscriber owner) {
        Subscription[] current = members;
        for (int i = 0; i < current.length; i++) {
            if (current[i].owner() == owner) {
                Subscription[] copy = new Subscription[current.length - 1];
                System.arraycopy(current, 0, copy, 0, i);
                System.arraycopy(current, i + 1, copy, i, current.length - i - 1);
                members = copy;
                return true;
            }
        }
        return false;
    }

    /**
     * Picks the member for the next message: round robin among members accepted by {@code preferred}
     * (e.g. connected and not {@code excluded}), else round robin among all members other than
     * {@code excluded}; {@code null} if there is none.
     */
    public Subscription pick(Predicate<Subscription> preferred, Subscriber excluded) {
        Subscription[] current = members;
        int n = current.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Subscription candidate = current[(start + i) % n];
            if (candidate.owner() != excluded && preferred.test(candidate)) {
                return candidate;
            }
        }
        for (int i = 0; i < n; i++) {
            Subscription candidate = current[(start + i) % n];
            if (candidate.owner() != excluded) {
                return candidate;
            }
        }
        return null;
    }
}
