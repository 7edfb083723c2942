package io.unshub.broker.routing;

import io.unshub.core.message.UnsMessage;
import io.unshub.core.topic.TopicMatcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The subscription tree finds exactly the filters the single-filter matcher accepts. */
class SubscriptionTreeTest {

    private record Owner(String subscriberId) implements Subscriber {
        @Override
        public boolean isOnline() {
            return true;
        }

        @Override
        public void deliver(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, SharedGroup group) {
        }
    }

    private static final class Collector implements MatchSink {
        final Set<String> filters = new HashSet<>();
        final List<SharedGroup> groups = new ArrayList<>();

        @Override
        public void onSubscription(Subscription subscription) {
            filters.add(subscription.filter());
        }

        @Override
        public void onSharedGroup(SharedGroup group) {
            groups.add(group);
        }
    }

    @Property(tries = 300)
    void matchesWhatTheMatcherMatches(@ForAll("filterSets") List<String> filters, @ForAll("topics") String topic) {
        SubscriptionTree tree = new SubscriptionTree();
        Set<String> expected = new HashSet<>();
        for (String filter : filters) {
            tree.add(new Subscription(new Owner(filter), filter, 1, false, false, 0, 0));
            if (TopicMatcher.matches(filter, topic)) {
                expected.add(filter);
            }
        }
        Collector collector = new Collector();
        tree.match(topic, collector);
        assertThat(collector.filters).isEqualTo(expected);
    }

    @Property(tries = 200)
    void removingEverySubscriptionLeavesNothing(@ForAll("filterSets") List<String> filters, @ForAll("topics") String topic) {
        SubscriptionTree tree = new SubscriptionTree();
        List<Owner> owners = new ArrayList<>();
        for (String filter : filters) {
            Owner owner = new Owner(filter);
            owners.add(owner);
            tree.add(new Subscription(owner, filter, 1, false, false, 0, 0));
        }
        for (int i = 0; i < filters.size(); i++) {
            tree.remove(owners.get(i), filters.get(i));
        }
        Collector collector = new Collector();
        tree.match(topic, collector);
        assertThat(collector.filters).isEmpty();
        assertThat(tree.subscriptionCount()).isZero();
        assertThat(tree.snapshot()).isEmpty();
    }

    @Test
    void sharedSubscriptionsFormOneGroupPerShareName() {
        SubscriptionTree tree = new SubscriptionTree();
        Owner a = new Owner("a");
        Owner b = new Owner("b");
        assertThat(tree.add(new Subscription(a, "$share/g/x/+", 1, false, false, 0, 0))).isTrue();
        assertThat(tree.add(new Subscription(b, "$share/g/x/+", 1, false, false, 0, 0))).isTrue();
        assertThat(tree.add(new Subscription(b, "$share/h/x/+", 1, false, false, 0, 0))).isTrue();
        Collector collector = new Collector();
        tree.match("x/1", collector);
        assertThat(collector.filters).isEmpty();
        assertThat(collector.groups).extracting(SharedGroup::name).containsExactlyInAnyOrder("g", "h");
        SharedGroup g = collector.groups.stream().filter(group -> group.name().equals("g")).findFirst().orElseThrow();
        assertThat(g.members()).extracting(Subscription::owner).containsExactly(a, b);
        // Round robin over online members.
        assertThat(g.pick(s -> true, null).owner()).isNotEqualTo(g.pick(s -> true, null).owner());
    }

    @Test
    void resubscribingReplacesTheSubscription() {
        SubscriptionTree tree = new SubscriptionTree();
        Owner a = new Owner("a");
        assertThat(tree.add(new Subscription(a, "x/#", 0, false, false, 0, 0))).isTrue();
        assertThat(tree.add(new Subscription(a, "x/#", 2, false, false, 0, 7))).isFalse();
        assertThat(tree.snapshot()).singleElement().satisfies(s -> {
            assertThat(s.qos()).isEqualTo(2);
            assertThat(s.subscriptionId()).isEqualTo(7);
        });
    }

    @Provide
    Arbitrary<List<String>> filterSets() {
        Arbitrary<String> level = Arbitraries.of("a", "b", "", "+", "$SYS", "c");
        Arbitrary<String> filter = level.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l))
                .flatMap(f -> Arbitraries.of(f, f + "/#", "#"));
        return filter.list().ofMinSize(1).ofMaxSize(20).uniqueElements();
    }

    @Provide
    Arbitrary<String> topics() {
        return Arbitraries.of("a", "b", "", "$SYS", "c").list().ofMinSize(1).ofMaxSize(5)
                .map(l -> String.join("/", l)).filter(t -> !t.isEmpty());
    }
}
