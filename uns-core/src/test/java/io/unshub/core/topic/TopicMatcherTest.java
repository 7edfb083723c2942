package io.unshub.core.topic;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Topic filter matching (MQTT 5 section 4.7), by example and against a level-by-level reference. */
class TopicMatcherTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "a/b/c | a/b/c | true",
            "a/+/c | a/b/c | true",
            "a/+/c | a/b/d | false",
            "a/# | a | true",                 // '#' includes the parent level [MQTT-4.7.1-2]
            "a/# | a/b/c | true",
            "# | a/b | true",
            "+ | a | true",
            "+ | a/b | false",
            "+/+ | / | true",                 // empty levels are levels (section 4.7.3)
            "a/+ | a/ | true",
            "a/+ | a | false",
            "/+ | /x | true",
            "+ | /x | false",
            "# | $SYS/x | false",             // [MQTT-4.7.2-1]
            "+/x | $SYS/x | false",
            "$SYS/# | $SYS/x | true",
            "a/b | a/b/c | false",
            "a/b/c | a/b | false",
            "A/b | a/b | false",              // case sensitive (section 4.7.3)
    })
    void matchesLikeTheSpecification(String filter, String topic, boolean expected) {
        assertThat(TopicMatcher.matches(filter, topic)).isEqualTo(expected);
    }

    @Property(tries = 3000)
    void agreesWithLevelByLevelReference(@ForAll("filters") String filter, @ForAll("topics") String topic) {
        assertThat(TopicMatcher.matches(filter, topic)).isEqualTo(reference(filter, topic));
    }

    @Property(tries = 500)
    void everyTopicMatchesItselfAndHash(@ForAll("topics") String topic) {
        assertThat(TopicMatcher.matches(topic, topic)).isTrue();
        assertThat(TopicMatcher.matches("#", topic)).isEqualTo(!topic.startsWith("$"));
    }

    /** Straightforward split-based matching, slow but obviously right. */
    static boolean reference(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        List<String> f = split(filter);
        List<String> t = split(topic);
        for (int i = 0; i < f.size(); i++) {
            if (f.get(i).equals("#")) {
                return true;
            }
            if (i >= t.size()) {
                return false;
            }
            if (!f.get(i).equals("+") && !f.get(i).equals(t.get(i))) {
                return false;
            }
        }
        return f.size() == t.size();
    }

    private static List<String> split(String s) {
        List<String> levels = new ArrayList<>();
        int from = 0;
        while (true) {
            int slash = s.indexOf('/', from);
            if (slash < 0) {
                levels.add(s.substring(from));
                return levels;
            }
            levels.add(s.substring(from, slash));
            from = slash + 1;
        }
    }

    @Provide
    Arbitrary<String> topics() {
        Arbitrary<String> level = Arbitraries.of("a", "b", "", "$SYS", "c1");
        return level.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("/", l)).filter(t -> !t.isEmpty());
    }

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<String> level = Arbitraries.of("a", "b", "", "+", "$SYS", "c1");
        Arbitrary<List<String>> levels = level.list().ofMinSize(1).ofMaxSize(5);
        return Combinators.combine(levels, Arbitraries.of(true, false)).as((l, hash) -> {
            List<String> all = new ArrayList<>(l);
            if (hash) {
                all.add("#");
            }
            return String.join("/", all);
        }).filter(f -> !f.isEmpty());
    }
}
