package io.unshub.broker.security.acl;

import io.unshub.core.topic.TopicMatcher;
import io.unshub.core.topic.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The subscribe relations checked against their definitions by brute force: "covers" means every topic the
 * inner filter matches is matched by the outer one, "overlaps" means some topic is matched by both. The
 * topics are every name of up to five levels over the filters' words plus one word no filter uses, which is
 * enough to tell any two filters of up to four levels apart.
 */
class AclFilterPropertiesTest {

    private static final String[] WORDS = {"a", "b", "$s", ""};
    private static final List<String> TOPICS = topics();

    private static List<String> topics() {
        String[] levels = {"a", "b", "$s", "", "z"};
        List<String> topics = new ArrayList<>();
        List<String> previous = List.of("");
        for (int depth = 1; depth <= 5; depth++) {
            List<String> next = new ArrayList<>();
            for (String prefix : previous) {
                for (String level : levels) {
                    next.add(depth == 1 ? level : prefix + "/" + level);
                }
            }
            topics.addAll(next);
            previous = next;
        }
        return topics.stream().filter(t -> !t.isEmpty()).toList();
    }

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<String> level = Arbitraries.oneOf(Arbitraries.of(WORDS), Arbitraries.of("+", "+", "#"));
        return level.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l))
                .filter(f -> Topics.validateFilter(f) == null);
    }

    @Property(tries = 3000)
    @Label("covers(outer, inner) holds exactly when every topic inner matches is matched by outer")
    void coversIsSubset(@ForAll("filters") String outer, @ForAll("filters") String inner) {
        boolean expected = TOPICS.stream()
                .allMatch(t -> !TopicMatcher.matches(inner, t) || TopicMatcher.matches(outer, t));
        assertThat(AclFilter.covers(AclFilter.levels(outer), AclFilter.levels(inner)))
                .as("%s covers %s", outer, inner).isEqualTo(expected);
    }

    @Property(tries = 3000)
    @Label("overlaps(a, b) holds exactly when some topic matches both, and is symmetric")
    void overlapsIsNonEmptyIntersection(@ForAll("filters") String a, @ForAll("filters") String b) {
        boolean expected = TOPICS.stream().anyMatch(t -> TopicMatcher.matches(a, t) && TopicMatcher.matches(b, t));
        assertThat(AclFilter.overlaps(AclFilter.levels(a), AclFilter.levels(b))).as("%s overlaps %s", a, b)
                .isEqualTo(expected);
        assertThat(AclFilter.overlaps(AclFilter.levels(b), AclFilter.levels(a))).isEqualTo(expected);
    }
}
