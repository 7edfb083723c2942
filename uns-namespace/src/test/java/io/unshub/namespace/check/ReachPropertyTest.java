package io.unshub.namespace.check;

import io.unshub.core.topic.TopicMatcher;
import io.unshub.core.topic.Topics;
import io.unshub.namespace.TestModels;
import io.unshub.namespace.load.ModelLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reserved prefixes and filter reach against {@link TopicMatcher}, the reference for what a filter matches:
 * (b) a topic is reserved exactly when a reserved filter matches it; (c) a filter that matches a topic the
 * model accepts is one that canMatch() allows, and a filter canMatch() refuses matches no accepted topic.
 */
class ReachPropertyTest {

    /** What each model adds to ModelLoader.ALWAYS_RESERVED, written out here rather than read from the model. */
    static final Map<String, List<String>> ADDED = Map.of(
            "acme-plant1", List.of("legacy/#", "+/diagnostics/#"),
            "open-isa95", List.of("legacy/#", "+/status/#"),
            "built-in ISA-95", List.of(),
            "dollar", List.of("acme/secret/#", "+/+/_edge/private"));

    /** Accepted topics of each model, the same every run. */
    static final List<List<String>> SAMPLES = ModelTopics.MODELS.stream()
            .map(ns -> ModelTopics.sample(ns, 1500, 7)).toList();

    static final List<String> RESERVED_SEGMENTS = List.of("$SYS", "$share", "$sparkplug", "$replay", "$uns",
            "spBv1.0", "legacy", "diagnostics", "status", "secret", "acme", "_edge", "private", "v1", "umh", "$SYSX",
            "$", "", "x", "SYS", "spBv1.0x");

    // ------------------------------------------------------------------ (b) reserved

    @Property(tries = 2000)
    void reservedIsExactlyWhatAReservedFilterMatches(@ForAll @IntRange(max = 3) int model,
                                                     @ForAll("reservedish") String topic) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        List<String> filters = new ArrayList<>(ModelLoader.ALWAYS_RESERVED);
        filters.addAll(ADDED.get(ns.model().name()));
        boolean expected = filters.stream().anyMatch(f -> TopicMatcher.matches(f, topic));
        Statistics.label("reserved").collect(expected);

        assertThat(ns.isReserved(topic)).as("%s in %s", topic, ns.model().name()).isEqualTo(expected);
        assertThat(ns.classify(topic) == CompiledNamespace.RESERVED).isEqualTo(expected);
        TestModels.verdict(ns, topic);
        Statistics.label("reserved").coverage(c -> {
            c.check(true).percentage(p -> p > 10);
            c.check(false).percentage(p -> p > 10);
        });
    }

    @Example
    void modelReservedListIsAlwaysPlusAdded() {
        for (CompiledNamespace ns : ModelTopics.MODELS) {
            List<String> expected = new ArrayList<>(ModelLoader.ALWAYS_RESERVED);
            expected.addAll(ADDED.get(ns.model().name()));
            assertThat(ns.model().reserved()).containsExactlyElementsOf(expected);
        }
    }

    // ------------------------------------------------------------------ (c) reach

    @Property(tries = 3000)
    void everyFilterMatchingAnAcceptedTopicCanMatch(@ForAll @IntRange(max = 3) int model, @ForAll long seed) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        Random r = new Random(seed);
        String topic = ModelTopics.accepted(ns, r);
        String filter = ModelTopics.derivedFilter(topic, r);
        assertThat(Topics.validateFilter(filter)).as(filter).isNull();

        boolean matches = TopicMatcher.matches(filter, topic);
        Statistics.label("matches").collect(matches);
        if (matches) {
            assertThat(ns.canMatch(filter)).as("%s matches accepted %s in %s", filter, topic, ns.model().name())
                    .isTrue();
        } else {
            // only the MQTT '$' rule keeps a derived filter from matching
            assertThat(topic).startsWith("$");
            assertThat(filter).matches("[+#].*");
        }
    }

    @Property(tries = 2000)
    void aFilterThatCannotMatchMatchesNoAcceptedTopic(@ForAll @IntRange(max = 3) int model, @ForAll long seed) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        Random r = new Random(seed);
        String filter = mutatedFilter(ModelTopics.accepted(ns, r), r);
        if (Topics.validateFilter(filter) != null) {
            return;
        }
        boolean canMatch = ns.canMatch(filter);
        Statistics.label("canMatch").collect(canMatch);
        if (!canMatch) {
            for (String topic : SAMPLES.get(model)) {
                assertThat(TopicMatcher.matches(filter, topic))
                        .as("%s cannot match per canMatch, but matches accepted %s in %s", filter, topic,
                                ns.model().name())
                        .isFalse();
            }
        }
        Statistics.label("canMatch").coverage(c -> {
            c.check(true).percentage(p -> p > 5);
            c.check(false).percentage(p -> p > 5);
        });
    }

    /** classify() and explain() agree on topics near the accepted ones (one or two segments changed). */
    @Property(tries = 3000)
    void classifyAgreesWithExplainNearAcceptedTopics(@ForAll @IntRange(max = 3) int model, @ForAll long seed) {
        CompiledNamespace ns = ModelTopics.MODELS.get(model);
        Random r = new Random(seed);
        String topic = mutatedFilter(ModelTopics.accepted(ns, r), r).replace("+", "x").replace("#", "y");
        Verdict verdict = TestModels.verdict(ns, topic);
        Statistics.label("verdict").collect(verdict.rule() == null ? verdict.kind().name() : verdict.rule().name());
    }

    @Example
    void samplesAreAcceptedAndLargeEnough() {
        for (int i = 0; i < ModelTopics.MODELS.size(); i++) {
            CompiledNamespace ns = ModelTopics.MODELS.get(i);
            assertThat(SAMPLES.get(i)).as(ns.model().name()).hasSizeGreaterThan(300)
                    .allMatch(t -> ns.classify(t) >= 0);
        }
        assertThat(SAMPLES.get(3)).as("the dollar model accepts '$' topics").anyMatch(t -> t.startsWith("$plant/"));
    }

    /** A derived filter with one or two segments changed, inserted or dropped. */
    private static String mutatedFilter(String topic, Random r) {
        List<String> segments = new ArrayList<>(List.of(ModelTopics.derivedFilter(topic, r).split("/", -1)));
        List<String> pool = new ArrayList<>(ModelTopics.NAMES);
        pool.addAll(List.of("", "_nope", "_edge", "_kpi", "+", "Bad Name", "plant9", "line3", "v1", "umh", "$SYS",
                "$foo", "cell2", "utilities", "chiller"));
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

    @Provide
    Arbitrary<String> reservedish() {
        return Arbitraries.of(RESERVED_SEGMENTS).list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("/", l));
    }
}
