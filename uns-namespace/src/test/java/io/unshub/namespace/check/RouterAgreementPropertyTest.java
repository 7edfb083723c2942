package io.unshub.namespace.check;

import io.unshub.broker.routing.MatchSink;
import io.unshub.broker.routing.SharedGroup;
import io.unshub.broker.routing.Subscriber;
import io.unshub.broker.routing.Subscription;
import io.unshub.broker.routing.SubscriptionTree;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.topic.Topics;
import io.unshub.namespace.TestModels;
import io.unshub.namespace.load.ModelLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The namespace validator against the broker's router: a real {@link SubscriptionTree} decides what a filter
 * matches, and {@link CompiledNamespace#isReserved}, {@link CompiledNamespace#canMatch} and
 * {@link CompiledNamespace#classify} must agree with it on reserved prefixes, wildcards and the MQTT '$' rule.
 */
class RouterAgreementPropertyTest {

    /** Models whose first level accepts '$' names (see ModelTopics.DOLLAR_YAML); no other model does. */
    static final Set<String> DOLLAR_MODELS = Set.of("dollar");

    /**
     * The share name the oracle subscribes a reserved filter under when the filter itself starts with
     * {@code $share/}: the router cannot hold {@code $share/#} as a plain subscription (it parses it as a
     * shared one without a filter), but {@code $share/<g>/$share/#} routes by exactly {@code $share/#}.
     */
    static final String ORACLE_SHARE = "$share/oracle/";

    /** Per model, a tree holding exactly its reserved filters (ALWAYS_RESERVED plus what it adds). */
    static final List<SubscriptionTree> RESERVED_TREES = ModelTopics.MODELS.stream()
            .map(ns -> tree(reservedFilters(ns))).toList();

    /** Filters starting with a wildcard: MQTT says none of them matches a topic starting with '$'. */
    static final List<String> LEADING_WILDCARDS = List.of("#", "+/#", "+", "+/+", "+/+/#", "+/+/+/#");
    static final SubscriptionTree WILDCARD_TREE = tree(LEADING_WILDCARDS);
    static final SubscriptionTree HASH_TREE = tree(List.of("#"));

    static final List<String> SEGMENTS = List.of("$SYS", "$share", "$sparkplug", "$replay", "$uns", "spBv1.0",
            "$SYSX", "spBv1.0x", "spbv1.0", "$sys", "SYS", "$", "", "x", "a", "g", "legacy", "diagnostics", "status",
            "acme", "secret", "_edge", "private", "$plant", "v1", "umh", "share", "$share2", "spBv1", "legacyx");

    /** Hand-picked edge cases, checked against every model on every run. */
    static final List<String> EDGE_TOPICS = List.of("$SYS", "$SYS/", "$SYS/a", "$SYS//a", "$SYSX/a", "$sys/a",
            "SYS/a", "/$SYS", "/$SYS/a", "$share", "$share/", "$share/g/a/b", "$share2/a", "$uns", "$uns/x",
            "$unsx", "$sparkplug/spBv1.0/g", "$sparkplug", "$replay/a/b", "$replay", "spBv1.0", "spBv1.0/",
            "spBv1.0/a", "spBv1.0x/a", "spbv1.0/a", "spBv1/a", "/spBv1.0", "$", "$/a", "/", "//", "a//b",
            "legacy", "legacy/", "legacy/x", "legacyx/a", "/legacy", "x/diagnostics", "x/diagnostics/",
            "/diagnostics", "/diagnostics/a", "diagnostics", "$x/diagnostics", "a/b/diagnostics", "x/status/a",
            "$x/status", "acme/secret", "acme/secret/x", "acme/secretx", "$plant/x/_edge/private",
            "acme/x/_edge/private", "acme/x/_edge/private/y", "v1/acme/plant1/press/_edge/speed",
            "umh/v1/acme/s1/_edge/x");

    // ------------------------------------------------------------------ 1. reserved

    @Property(tries = 2000)
    void reservedIsExactlyWhatTheRouterMatchesWithTheReservedFilters(@ForAll @IntRange(max = 3) int model,
                                                                    @ForAll("reservedish") String head,
                                                                    @ForAll @IntRange(max = 4) int shape,
                                                                    @ForAll long seed) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        String topic = probe(ns, head, shape, new Random(seed));
        boolean expected = checkReserved(model, topic);
        Statistics.label("reserved").collect(expected);
        Statistics.label("reserved").coverage(c -> {
            c.check(true).percentage(p -> p > 10);
            c.check(false).percentage(p -> p > 10);
        });
    }

    @Example
    void reservedEdgeCasesAgreeWithTheRouter() {
        for (int model = 0; model < ModelTopics.MODELS.size(); model++) {
            for (String topic : EDGE_TOPICS) {
                checkReserved(model, topic);
            }
        }
        CompiledNamespace builtIn = ModelTopics.MODELS.get(2);
        assertThat(routed(RESERVED_TREES.get(2), "$SYS")).as("the bare prefix").containsExactly("$SYS/#");
        assertThat(builtIn.isReserved("$SYS")).isTrue();
        assertThat(routed(RESERVED_TREES.get(2), "$share/g/a")).containsExactly("$share/#");
        assertThat(builtIn.isReserved("$share/g/a")).isTrue();
        assertThat(routed(RESERVED_TREES.get(2), "$SYSX/a")).isEmpty();
        assertThat(builtIn.isReserved("$SYSX/a")).isFalse();
        assertThat(builtIn.isReserved("spbv1.0/a")).isFalse();
        assertThat(builtIn.isReserved("spBv1.0x/a")).isFalse();
    }

    @Example
    void theOracleHoldsDollarShareAsASharedSubscription() {
        // why ORACLE_SHARE exists: "$share/#" is not a filter a client can subscribe to as such
        assertThat(Topics.validateFilter("$share/#")).isNotNull();
        assertThat(Topics.validateFilter(ORACLE_SHARE + "$share/#")).isNull();
        for (CompiledNamespace ns : ModelTopics.MODELS) {
            assertThat(reservedFilters(ns)).containsExactlyElementsOf(ns.model().reserved());
        }
    }

    /** Asserts isReserved and classify against the router; returns whether the topic is reserved. */
    private static boolean checkReserved(int model, String topic) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        Set<String> routed = routed(RESERVED_TREES.get(model), topic);
        boolean expected = !routed.isEmpty();
        assertThat(ns.isReserved(topic))
                .as("isReserved(%s) in %s; the router matches reserved filters %s", topic, ns.model().name(), routed)
                .isEqualTo(expected);
        assertThat(ns.classify(topic) == CompiledNamespace.RESERVED)
                .as("classify(%s) == RESERVED in %s; the router matches %s", topic, ns.model().name(), routed)
                .isEqualTo(expected);
        TestModels.verdict(ns, topic);
        return expected;
    }

    // ------------------------------------------------------------------ 2. wildcards

    /** Filters derived from an accepted topic: each one the router matches it with is one canMatch() allows. */
    @Property(tries = 2000)
    void everyFilterTheRouterMatchesOnAnAcceptedTopicCanMatch(@ForAll @IntRange(max = 3) int model,
                                                              @ForAll long seed) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        Random r = new Random(seed);
        String topic = ModelTopics.accepted(ns, r);
        Set<String> filters = new LinkedHashSet<>();
        for (int i = 0; i < 6; i++) {
            filters.add(wildFilter(topic, r));
        }
        Set<String> routed = routed(tree(filters), topic);
        for (String filter : filters) {
            if (routed.contains(filter)) {
                assertThat(ns.canMatch(filter))
                        .as("canMatch(%s) in %s, but the router matches it with accepted %s", filter,
                                ns.model().name(), topic)
                        .isTrue();
            } else {
                // only the MQTT '$' rule keeps a derived filter from matching
                assertThat(topic).as("%s not routed to %s", topic, filter).startsWith("$");
                assertThat(filter).matches("[+#].*");
            }
            Statistics.label("routed").collect(routed.contains(filter));
            Statistics.label("filter").collect(filter.equals("#") || filter.equals("+/#") ? filter
                    : filter.startsWith("+") ? "other leading +" : filter.endsWith("#") ? "truncated by #"
                    : filter.contains("+") ? "inner +" : "literal");
        }
        Statistics.label("routed").coverage(c -> c.check(false).count(n -> n > 0));
    }

    /**
     * '#', '+/#' and other leading wildcards never route a '$' topic, and route every other one; a reserved
     * or accepted topic is still reachable for canMatch() by its own name and (reserved '$' ones) by its prefix.
     */
    @Property(tries = 1500)
    void leadingWildcardsSkipDollarTopicsWhichStayReachable(@ForAll @IntRange(max = 3) int model,
                                                           @ForAll("reservedish") String head,
                                                           @ForAll @IntRange(max = 4) int shape,
                                                           @ForAll long seed) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        String topic = probe(ns, head, shape, new Random(seed));
        Set<String> routed = routed(WILDCARD_TREE, topic);
        boolean dollar = topic.startsWith("$");
        if (dollar) {
            assertThat(routed).as("leading wildcards routing %s", topic).isEmpty();
        } else {
            assertThat(routed).as("leading wildcards routing %s", topic).contains("#", "+/#");
        }
        boolean reserved = ns.isReserved(topic);
        boolean accepted = ns.classify(topic) >= 0;
        if (reserved || accepted) {
            assertThat(ns.canMatch(topic)).as("canMatch(%s) in %s (reserved %s, accepted %s)", topic,
                    ns.model().name(), reserved, accepted).isTrue();
        }
        if (reserved && dollar) {
            String prefix = topic.split("/", -1)[0] + "/#";
            assertThat(ns.canMatch(prefix)).as("canMatch(%s) in %s, reserved %s", prefix, ns.model().name(), topic)
                    .isTrue();
        }
        Statistics.label("topic").collect((dollar ? "$ " : "") + (reserved ? "reserved" : accepted ? "accepted"
                : "rejected"));
        Statistics.label("topic").coverage(c -> {
            c.check("$ reserved").percentage(p -> p > 5);
            c.check("$ accepted").count(n -> n > 0);
            c.check("accepted").percentage(p -> p > 5);
            c.check("reserved").count(n -> n > 0);
        });
    }

    @Example
    void reservedPrefixesAreReachableWhileTheRouterKeepsThemFromLeadingWildcards() {
        for (CompiledNamespace ns : ModelTopics.MODELS) {
            for (String filter : List.of("$SYS/#", "$SYS/+", "$SYS/broker/uptime", "$uns/#", "$replay/+/#",
                    "$sparkplug/#", "spBv1.0/#", "spBv1.0/+/NDATA/#", "#", "+/#")) {
                assertThat(ns.canMatch(filter)).as("canMatch(%s) in %s", filter, ns.model().name()).isTrue();
            }
            for (String reserved : ns.model().reserved()) {
                assertThat(ns.canMatch(reserved)).as("canMatch(%s) in %s", reserved, ns.model().name()).isTrue();
            }
        }
        assertThat(routed(WILDCARD_TREE, "$SYS/broker/uptime")).isEmpty();
        assertThat(routed(tree(List.of("$SYS/#")), "$SYS/broker/uptime")).containsExactly("$SYS/#");
    }

    /** A tree holding filters canMatch() refuses routes none of the model's sampled accepted topics. */
    @Property(tries = 300)
    void filtersCanMatchRefusesRouteNoAcceptedTopic(@ForAll @IntRange(max = 3) int model, @ForAll long seed) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        Random r = new Random(seed);
        Set<String> refused = new LinkedHashSet<>();
        for (int i = 0; i < 12; i++) {
            String filter = mutatedFilter(ModelTopics.accepted(ns, r), r);
            if (Topics.validateFilter(filter) == null && !Topics.isShared(filter) && !ns.canMatch(filter)) {
                refused.add(filter);
            }
        }
        Statistics.label("refused filters").collect(Math.min(refused.size(), 4));
        if (refused.isEmpty()) {
            return;
        }
        SubscriptionTree tree = tree(refused);
        for (String topic : ReachPropertyTest.SAMPLES.get(model)) {
            assertThat(routed(tree, topic))
                    .as("refused by canMatch in %s, but the router matches them with accepted %s", ns.model().name(),
                            topic)
                    .isEmpty();
        }
    }

    // ------------------------------------------------------------------ 3. classification vs routing

    /**
     * An accepted topic reaches a '#' subscriber unless it starts with '$' (only models accepting '$' names have
     * such); a reserved '$' topic does not reach it, a reserved non-'$' one (spBv1.0/..., model prefixes) does.
     */
    @Property(tries = 2000)
    void acceptedTopicsAreRoutedByHashUnlessDollar(@ForAll @IntRange(max = 3) int model,
                                                   @ForAll("reservedish") String head,
                                                   @ForAll @IntRange(max = 4) int shape,
                                                   @ForAll long seed) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        String topic = probe(ns, head, shape, new Random(seed));
        boolean byHash = routed(HASH_TREE, topic).contains("#");
        boolean dollar = topic.startsWith("$");
        assertThat(byHash).as("'#' routes %s", topic).isEqualTo(!dollar);
        int classification = ns.classify(topic);
        if (classification >= 0) {
            if (!byHash) {
                assertThat(DOLLAR_MODELS)
                        .as("%s accepts %s, which '#' does not route, but does not accept '$' names", ns.model().name(),
                                topic)
                        .contains(ns.model().name());
            }
        } else if (classification == CompiledNamespace.RESERVED) {
            assertThat(byHash).as("'#' routes reserved %s", topic).isEqualTo(!dollar);
        }
        String kind = classification >= 0 ? "accepted" : classification == CompiledNamespace.RESERVED ? "reserved"
                : "rejected";
        Statistics.label("kind").collect(kind + (byHash ? ", routed by #" : ", not routed by #"));
        Statistics.label("kind").coverage(c -> {
            c.check("accepted, routed by #").percentage(p -> p > 10);
            c.check("accepted, not routed by #").count(n -> n > 0);
            c.check("reserved, routed by #").count(n -> n > 0);
            c.check("reserved, not routed by #").percentage(p -> p > 5);
        });
    }

    @Example
    void classifiedEdgeCasesAgreeWithHashRouting() {
        for (CompiledNamespace ns : ModelTopics.MODELS) {
            for (String topic : EDGE_TOPICS) {
                boolean byHash = routed(HASH_TREE, topic).contains("#");
                assertThat(byHash).as(topic).isEqualTo(!topic.startsWith("$"));
                int classification = ns.classify(topic);
                if (classification >= 0 && !byHash) {
                    assertThat(DOLLAR_MODELS).as("%s accepts %s", ns.model().name(), topic)
                            .contains(ns.model().name());
                }
            }
        }
        assertThat(ModelTopics.MODELS.get(3).classify("$plant/x/_edge/a")).as("the dollar model").isNotNegative();
        assertThat(routed(HASH_TREE, "$plant/x/_edge/a")).isEmpty();
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<String> reservedish() {
        Arbitrary<String> joined = Arbitraries.of(SEGMENTS).list().ofMinSize(1).ofMaxSize(5)
                .map(l -> String.join("/", l));
        return Arbitraries.frequencyOf(
                        Tuple.of(4, joined),
                        Tuple.of(1, Arbitraries.of(EDGE_TOPICS)))
                .filter(t -> Topics.validateTopicName(t) == null);
    }

    /**
     * A topic to probe: the reservedish head alone (shape 0), the head in front of an accepted topic (1), an
     * accepted topic (2, 4), or an accepted topic whose first segment is the head's first segment (3).
     */
    static String probe(CompiledNamespace ns, String head, int shape, Random r) {
        return switch (shape) {
            case 0 -> head;
            case 1 -> head + "/" + ModelTopics.accepted(ns, r);
            case 3 -> {
                String topic = ModelTopics.accepted(ns, r);
                int slash = topic.indexOf('/');
                String first = head.split("/", -1)[0];
                String candidate = first + (slash < 0 ? "" : topic.substring(slash));
                yield candidate.isEmpty() ? topic : candidate;
            }
            default -> ModelTopics.accepted(ns, r);
        };
    }

    /** A filter matching {@code topic} except where the MQTT '$' rule applies; often with a leading wildcard. */
    static String wildFilter(String topic, Random r) {
        String derived = ModelTopics.derivedFilter(topic, r);
        return switch (r.nextInt(6)) {
            case 0 -> {
                if (derived.equals("#")) {
                    yield derived;
                }
                int slash = derived.indexOf('/');
                yield "+" + (slash < 0 ? "" : derived.substring(slash));
            }
            case 1 -> "#";
            case 2 -> "+/#";
            default -> derived;
        };
    }

    /** A derived filter with one or two segments changed, inserted or dropped. */
    static String mutatedFilter(String topic, Random r) {
        List<String> segments = new ArrayList<>(List.of(ModelTopics.derivedFilter(topic, r).split("/", -1)));
        List<String> pool = new ArrayList<>(ModelTopics.NAMES);
        pool.addAll(List.of("", "_nope", "_edge", "_kpi", "+", "Bad Name", "plant9", "line3", "v1", "umh", "$SYS",
                "$foo", "cell2", "utilities", "chiller", "$plant", "spBv1.0", "legacy"));
        int changes = 1 + r.nextInt(2);
        for (int i = 0; i < changes; i++) {
            int at = r.nextInt(segments.size() + 1);
            switch (r.nextInt(3)) {
                case 0 -> {
                    if (at < segments.size()) {
                        segments.set(at, pool.get(r.nextInt(pool.size())));
                    }
                }
                case 1 -> segments.add(at, pool.get(r.nextInt(pool.size())));
                default -> {
                    if (at < segments.size() && segments.size() > 1) {
                        segments.remove(at);
                    }
                }
            }
        }
        return String.join("/", segments);
    }

    // ------------------------------------------------------------------ the router as oracle

    static List<String> reservedFilters(CompiledNamespace ns) {
        List<String> filters = new ArrayList<>(ModelLoader.ALWAYS_RESERVED);
        filters.addAll(ReachPropertyTest.ADDED.get(ns.model().name()));
        return filters;
    }

    /** A tree with one subscriber per filter; a filter starting with {@code $share/} goes in as a shared one. */
    static SubscriptionTree tree(Collection<String> filters) {
        SubscriptionTree tree = new SubscriptionTree();
        for (String filter : filters) {
            String subscribed = Topics.isShared(filter) ? ORACLE_SHARE + filter : filter;
            assertThat(Topics.validateFilter(subscribed)).as(subscribed).isNull();
            tree.add(new Subscription(new Recorder(filter), subscribed, 0, false, false, 0, 0));
        }
        return tree;
    }

    /** The filters (without the oracle's share prefix) the tree matches {@code topic} with. */
    static Set<String> routed(SubscriptionTree tree, String topic) {
        Matches matches = new Matches();
        tree.match(topic, matches);
        return matches.filters;
    }

    /** A subscriber that only records what it is handed. */
    static final class Recorder implements Subscriber {
        private final String id;
        final List<UnsMessage> delivered = new ArrayList<>();

        Recorder(String id) {
            this.id = id;
        }

        @Override
        public String subscriberId() {
            return id;
        }

        @Override
        public boolean isOnline() {
            return true;
        }

        @Override
        public void deliver(UnsMessage message, int qos, boolean retain, int[] subscriptionIds,
                            SharedGroup sharedGroup) {
            delivered.add(message);
        }
    }

    /** Records the filters a topic matches. */
    static final class Matches implements MatchSink {
        final Set<String> filters = new LinkedHashSet<>();

        @Override
        public void onSubscription(Subscription subscription) {
            filters.add(subscription.matchFilter());
        }

        @Override
        public void onSharedGroup(SharedGroup group) {
            filters.add(group.filter());
        }
    }
}
