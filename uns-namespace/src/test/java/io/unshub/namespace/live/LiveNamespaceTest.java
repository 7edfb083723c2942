package io.unshub.namespace.live;

import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.topic.TopicMatcher;
import io.unshub.namespace.TestModels;
import io.unshub.namespace.check.CompiledNamespace;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The live namespace: last values, the browsable tree, filter queries and the bound on what it keeps. */
class LiveNamespaceTest {

    static final CompiledNamespace ACME = TestModels.compiled(TestModels.ACME);

    static UnsMessage msg(String topic, String payload) {
        return UnsMessage.of(topic, payload.getBytes(StandardCharsets.UTF_8), 0, false, MessageProperties.NONE,
                Origin.client("c"));
    }

    @Test
    void keepsTheLastValueAndCountsMessages() {
        LiveNamespace live = new LiveNamespace(t -> true, 100);
        live.accepted(msg("a/b", "1"));
        live.accepted(msg("a/b", "2"));
        UnsMessage third = msg("a/b", "3");
        live.accepted(third);
        live.accepted(msg("a/c", "x"));

        TopicValue ab = live.value("a/b").orElseThrow();
        assertThat(ab.topic()).isEqualTo("a/b");
        assertThat(ab.last()).isSameAs(third);
        assertThat(ab.messageCount()).isEqualTo(3);
        assertThat(live.value("a/c").orElseThrow().messageCount()).isEqualTo(1);
        assertThat(live.value("a")).isEmpty();
        assertThat(live.value("a/d")).isEmpty();
        assertThat(live.size()).isEqualTo(2);
        assertThat(live.untracked()).isZero();
        assertThat(live.maxTopics()).isEqualTo(100);
    }

    @Test
    void reservedAndRejectedTopicsAreNotTracked() {
        LiveNamespace live = new LiveNamespace(t -> ACME.classify(t) >= 0, 100);
        live.accepted(msg("$SYS/broker/uptime", "5"));
        live.accepted(msg("spBv1.0/acme/NDATA/n1", "x"));
        live.accepted(msg("$uns/violations/c", "{}"));
        live.accepted(msg("v1/acme/plant9/press/_edge/x", "{}"));
        live.accepted(msg("v1/acme/plant1/press/_edge/speed", "{}"));

        assertThat(live.size()).isEqualTo(1);
        assertThat(live.value("$SYS/broker/uptime")).isEmpty();
        assertThat(live.children("").orElseThrow()).extracting(LiveNamespace.Node::name).containsExactly("v1");
        assertThat(live.untracked()).as("not tracked is not the same as over the limit").isZero();
    }

    @Test
    void boundedByMaxTopics() {
        LiveNamespace live = new LiveNamespace(t -> true, 3);
        for (int i = 0; i < 5; i++) {
            live.accepted(msg("t/" + i, "v"));
        }
        assertThat(live.size()).isEqualTo(3);
        assertThat(live.untracked()).isEqualTo(2);
        assertThat(live.value("t/3")).isEmpty();
        assertThat(live.values("#", null, 100)).extracting(TopicValue::topic).containsExactly("t/0", "t/1", "t/2");
        // topics already kept are still updated
        live.accepted(msg("t/0", "again"));
        assertThat(live.value("t/0").orElseThrow().messageCount()).isEqualTo(2);
        assertThat(live.size()).isEqualTo(3);
        assertThat(live.node("t").orElseThrow().topicsBelow()).isEqualTo(3);
    }

    @Test
    void childrenAreSortedWithCounts() {
        LiveNamespace live = new LiveNamespace(t -> true, 100);
        for (String t : List.of("v1/acme/plant1/press/_edge/speed", "v1/acme/plant1/press/_edge/temp",
                "v1/acme/plant1/press/_kpi/oee", "v1/acme/plant1/assembly/_edge/x", "v1/acme/plant2/b/_edge/y",
                "v1/acme/plant1/Zeta/_edge/z", "v1/acme/plant1/press", "v1/globex/x/_edge/y")) {
            live.accepted(msg(t, t));
        }

        assertThat(live.children("").orElseThrow()).extracting(LiveNamespace.Node::path).containsExactly("v1");
        List<LiveNamespace.Node> plants = live.children("v1/acme").orElseThrow();
        assertThat(plants).extracting(LiveNamespace.Node::name).containsExactly("plant1", "plant2");
        assertThat(plants).extracting(LiveNamespace.Node::topicsBelow).containsExactly(6L, 1L);

        List<LiveNamespace.Node> areas = live.children("v1/acme/plant1").orElseThrow();
        assertThat(areas).extracting(LiveNamespace.Node::name).containsExactly("Zeta", "assembly", "press");
        LiveNamespace.Node press = areas.get(2);
        assertThat(press.path()).isEqualTo("v1/acme/plant1/press");
        assertThat(press.children()).isEqualTo(2);
        assertThat(press.topicsBelow()).isEqualTo(3);
        assertThat(press.value()).as("press is a topic itself").isNotNull();
        assertThat(press.value().last().topic()).isEqualTo("v1/acme/plant1/press");
        assertThat(areas.get(1).value()).isNull();

        LiveNamespace.Node speed = live.node("v1/acme/plant1/press/_edge/speed").orElseThrow();
        assertThat(speed.children()).isZero();
        assertThat(speed.topicsBelow()).isZero();
        assertThat(speed.value().messageCount()).isEqualTo(1);

        assertThat(live.node("v1").orElseThrow().topicsBelow()).isEqualTo(8);
        assertThat(live.children("v1/acme/plant3")).isEmpty();
        assertThat(live.children("v1/acme/plant1/press/_edge/speed").orElseThrow()).isEmpty();
        assertThat(live.node("")).isEmpty();
        assertThat(live.node("nope/x")).isEmpty();
    }

    @Test
    void valuesFollowMqttMatchingOnThousandsOfTopics() {
        LiveNamespace live = new LiveNamespace(t -> true, 100_000);
        Random r = new Random(11);
        List<String> alphabet = List.of("a", "b", "c", "d", "", "$SYS", "$x", "_edge", "x y", "ä");
        TreeSet<String> all = new TreeSet<>();
        while (all.size() < 4000) {
            int depth = 1 + r.nextInt(5);
            List<String> segments = new ArrayList<>();
            for (int i = 0; i < depth; i++) {
                segments.add(alphabet.get(r.nextInt(alphabet.size())));
            }
            String topic = String.join("/", segments);
            if (!topic.isEmpty()) {
                all.add(topic);
                live.accepted(msg(topic, "v"));
            }
        }
        assertThat(live.size()).isEqualTo(all.size());

        List<String> filters = new ArrayList<>(List.of("#", "+", "+/#", "a/#", "+/+", "a/+/c", "/#", "+/+/+/+/+",
                "$SYS/#", "$x/+", "$SYS/+/#", "a//b", "a/b/c/d/e", "_edge/#", "+/_edge/#", "ä/+/#", "x y"));
        List<String> filterAlphabet = List.of("a", "b", "", "$SYS", "+", "_edge");
        for (int i = 0; i < 200; i++) {
            int depth = 1 + r.nextInt(4);
            List<String> segments = new ArrayList<>();
            for (int j = 0; j < depth; j++) {
                segments.add(filterAlphabet.get(r.nextInt(filterAlphabet.size())));
            }
            if (r.nextBoolean()) {
                segments.add("#");
            }
            filters.add(String.join("/", segments));
        }

        for (String filter : filters) {
            List<String> expected = all.stream().filter(t -> TopicMatcher.matches(filter, t)).toList();
            List<String> actual = live.values(filter, null, Integer.MAX_VALUE).stream().map(TopicValue::topic).toList();
            assertThat(actual).as("values(%s)", filter).isEqualTo(expected);

            // paging: pages of 7 after the last topic of the previous page give the same list
            List<String> paged = new ArrayList<>();
            String after = null;
            while (true) {
                List<TopicValue> page = live.values(filter, after, 7);
                assertThat(page.size()).isLessThanOrEqualTo(7);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(v -> paged.add(v.topic()));
                after = page.get(page.size() - 1).topic();
            }
            assertThat(paged).as("paged values(%s)", filter).isEqualTo(expected);
        }
    }

    @Test
    void pagingStartsStrictlyAfterAndStopsAtTheLimit() {
        LiveNamespace live = new LiveNamespace(t -> true, 100);
        for (String t : List.of("m/a", "m/b", "m/c", "m/d")) {
            live.accepted(msg(t, "v"));
        }
        assertThat(live.values("m/+", "m/b", 10)).extracting(TopicValue::topic).containsExactly("m/c", "m/d");
        assertThat(live.values("m/+", "m/bb", 1)).extracting(TopicValue::topic).containsExactly("m/c");
        assertThat(live.values("m/+", "m/a", 0)).isEmpty();
        assertThat(live.values("m/+", "m/d", 10)).isEmpty();
        assertThat(live.values("m/+", "", 2)).extracting(TopicValue::topic).containsExactly("m/a", "m/b");
        assertThat(live.values("m/#", null, 10)).hasSize(4);
        assertThat(live.values("m", null, 10)).isEmpty();
    }

    @Test
    void retainTrackedForgetsWhatANewModelNoLongerAccepts() {
        AtomicReference<CompiledNamespace> model = new AtomicReference<>(TestModels.compiled(TestModels.OPEN));
        LiveNamespace live = new LiveNamespace(t -> model.get().classify(t) >= 0, 100);
        List<String> topics = List.of("umh/v1/acme/s1/_edge/a", "umh/v1/acme/s1/_edge/b", "umh/v1/acme/s2/_kpi/oee",
                "umh/v1/globex/s1/area/_edge/x", "umh/v1/globex/s1/area/l1/_edge/y");
        topics.forEach(t -> live.accepted(msg(t, "{}")));
        assertThat(live.size()).isEqualTo(5);
        assertThat(live.retainTracked()).as("nothing changed").isZero();

        // the new model knows only acme, and no _kpi class
        model.set(TestModels.compileText("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  root: umh/v1
                  levels:
                    - { name: enterprise, required: true, values: [acme] }
                    - { name: site, required: true }
                  classes: { _edge: {} }
                """));
        assertThat(live.retainTracked()).isEqualTo(3);
        assertThat(live.size()).isEqualTo(2);
        assertThat(live.values("#", null, 100)).extracting(TopicValue::topic)
                .containsExactly("umh/v1/acme/s1/_edge/a", "umh/v1/acme/s1/_edge/b");
        assertThat(live.children("umh/v1").orElseThrow()).extracting(LiveNamespace.Node::name).containsExactly("acme");
        assertThat(live.children("umh/v1/acme").orElseThrow()).extracting(LiveNamespace.Node::name).containsExactly("s1");
        assertThat(live.children("umh/v1/globex")).as("emptied paths are pruned").isEmpty();
        assertThat(live.node("umh").orElseThrow().topicsBelow()).isEqualTo(2);
        assertThat(live.node("umh/v1/acme/s1/_edge").orElseThrow().topicsBelow()).isEqualTo(2);

        // forgotten topics come back when the model accepts them again
        model.set(TestModels.compiled(TestModels.OPEN));
        live.accepted(msg("umh/v1/globex/s1/area/_edge/x", "{}"));
        assertThat(live.value("umh/v1/globex/s1/area/_edge/x").orElseThrow().messageCount()).isEqualTo(1);
        assertThat(live.node("umh").orElseThrow().topicsBelow()).isEqualTo(3);
        assertThat(live.size()).isEqualTo(3);
    }

    @Test
    void retainTrackedKeepsPathsThatAreStillNeeded() {
        AtomicReference<java.util.function.Predicate<String>> tracked = new AtomicReference<>(t -> true);
        LiveNamespace live = new LiveNamespace(t -> tracked.get().test(t), 100);
        live.accepted(msg("a/b", "parent is a topic"));
        live.accepted(msg("a/b/c", "child"));
        tracked.set(t -> !t.equals("a/b/c"));
        assertThat(live.retainTracked()).isEqualTo(1);
        LiveNamespace.Node b = live.node("a/b").orElseThrow();
        assertThat(b.value()).isNotNull();
        assertThat(b.children()).isZero();
        assertThat(live.node("a").orElseThrow().topicsBelow()).isEqualTo(1);

        tracked.set(t -> !t.equals("a/b"));
        live.accepted(msg("a/b/c", "child again"));
        assertThat(live.retainTracked()).isEqualTo(1);
        assertThat(live.node("a/b").orElseThrow().value()).as("a/b stays as a path of a/b/c").isNull();
        assertThat(live.node("a/b").orElseThrow().topicsBelow()).isEqualTo(1);
        assertThat(live.values("a/#", null, 10)).extracting(TopicValue::topic).containsExactly("a/b/c");
    }

    @Test
    void concurrentPublishersLoseNothing() throws Exception {
        LiveNamespace live = new LiveNamespace(t -> true, 10_000);
        int threads = 8;
        int perThread = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        live.accepted(msg("shared/" + (i % 50), "v"));      // the same 50 topics from every thread
                        live.accepted(msg("own/" + id + "/" + (i % 100), "v"));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(live.size()).isEqualTo(50 + threads * 100);
        assertThat(live.values("shared/+", null, 1000)).hasSize(50)
                .allSatisfy(v -> assertThat(v.messageCount()).isEqualTo((long) threads * perThread / 50));
        assertThat(live.node("own").orElseThrow().topicsBelow()).isEqualTo(threads * 100L);
        assertThat(live.node("shared").orElseThrow().topicsBelow()).isEqualTo(50);
    }
}
