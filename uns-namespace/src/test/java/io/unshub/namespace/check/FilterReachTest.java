package io.unshub.namespace.check;

import io.unshub.core.topic.TopicMatcher;
import io.unshub.namespace.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** canMatch(): which subscription filters can ever see a topic of the model (or a reserved one). */
class FilterReachTest {

    static final CompiledNamespace ACME = TestModels.compiled(TestModels.ACME);
    static final CompiledNamespace DOLLAR = TestModels.compileText(ModelTopics.DOLLAR_YAML);

    @ParameterizedTest
    @ValueSource(strings = {
            "#", "+/#", "v1/#", "v1/acme/#",
            "v1/acme/plant1/press/line1/cell1/_edge/speed",
            "v1/acme/+/press/#",
            "v1/+/+/+/_kpi/oee",
            "+/+/+/+/+/+/_edge/+",
            "v1/acme/plant2/+/+/_edge/#",
            "v1/acme/plant2/whatever/_edge/x",       // '*' nodes
            "v1/acme/plant1/utilities/_raw",          // _raw: no tag needed
            "v1/acme/plant1/press/_edge/#",           // '#' also stands for the missing tag
            "v1/acme/plant1/press/_kpi/+",
            "v1/acme/plant1/+/#",
            "v1/acme/plant2/+/+/+/_edge/x",           // the third '+' is _raw, then two tags
            "v1/acme/plant1/press/line1/cell1/+",     // '+' is _raw with no tag
            "$SYS/#", "$SYS/broker/+", "$SYS", "$share/g/x", "spBv1.0/#", "$uns/violations/+",
            "legacy/#",
            "v2/#",                                   // v2/diagnostics/... is reserved by +/diagnostics/#
            "x/diagnostics",
    })
    void filtersThatCanMatch(String filter) {
        assertThat(ACME.canMatch(filter)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "v1",                                     // a topic never ends inside the location
            "v1/acme/plant1/press",
            "v1/initech/#",                           // enterprise not in the tree
            "v1/acme/plant9/#",                       // site not in the values ('*' site checks them)
            "v1/acme/plant1/paint/#",                 // not in the closed part of the tree
            "v1/acme/plant1/utilities/chiller/#",     // utilities is a leaf
            "v1/acme/plant2/Press 1/#",               // '*' area still checks the pattern
            "v1/acme/plant2/a/b/cell1/_edge/x",       // '*': ~ ends at the work center
            "v1/acme/plant1/press/_foo/#",            // unknown class
            "v1/acme/plant1/_edge/#",                 // area is required
            "v1/acme/plant1/press/_kpi/a/b",          // _kpi: one tag
            "v1/acme/plant1/press/_mes/+/+/+/+",      // _mes: at most three tags
            "v1/acme/plant1/press/_mes/+/+/+/+/#",
            "v1/acme/plant1/press/_edge/bad tag",
            "v1/acme/plant1/press/_edge",             // _edge needs a tag
            "v1/acme/plant1/press/line1/cell1",
            "v1/acme/plant1/press/line1/cell1/+/+/+/+/+/+/+/+/+/+/+/+/+/+",  // 13 tags: more than any class allows
            "v1//#",
            "$foo/#",                                 // '+/diagnostics/#' does not reach '$foo/diagnostics'
            "$SYSX/#",
            "spBv1.0x/x/#",
    })
    void filtersThatCannotMatch(String filter) {
        assertThat(ACME.canMatch(filter)).isFalse();
    }

    @Test
    void dollarTopicsOfTheModelAreReachedByNamingThem() {
        assertThat(DOLLAR.classify("$plant/s1/_edge/x")).isNotNegative();
        assertThat(TopicMatcher.matches("#", "$plant/s1/_edge/x")).isFalse();
        assertThat(DOLLAR.canMatch("$plant/#")).isTrue();
        assertThat(DOLLAR.canMatch("$plant/+/_edge")).isTrue();
        assertThat(DOLLAR.canMatch("$plant/_edge/+/+")).isTrue();
        assertThat(DOLLAR.canMatch("$plant/_edge/+/+/+")).isFalse();
        assertThat(DOLLAR.canMatch("$other/#")).isFalse();
        assertThat(DOLLAR.canMatch("$SYS/#")).isTrue();
        assertThat(DOLLAR.canMatch("acme/secret/+/x")).as("reserved by the model").isTrue();
        assertThat(DOLLAR.canMatch("acme/secret")).as("'#' includes the parent level").isTrue();
        assertThat(DOLLAR.canMatch("globex/s1")).isFalse();
        assertThat(DOLLAR.canMatch("globex/#")).as("globex/x/_edge/private is reserved").isTrue();
    }

    @ParameterizedTest(name = "{0} & {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "'#'            | $SYS/#          | false",   // [MQTT-4.7.2-1]: wildcards never reach '$' topics
            "+/#            | $SYS/#          | false",
            "+/+/uptime     | $SYS/broker/+   | false",
            "+              | $SYS            | false",
            "$SYS/#         | $SYS/#          | true",
            "$SYS/+/uptime  | $SYS/#          | true",
            "$SYS           | $SYS/#          | true",
            "'#'            | spBv1.0/#       | true",
            "+/x            | legacy/#        | true",
            "a/+/c          | a/b/+           | true",
            "a/+/c          | a/b/d           | false",
            "a/b            | a/b/c           | false",
            "a/#            | a               | true",
            "a/+            | a               | false",
            "+/+            | a/b/c           | false",
            "+/+/#          | a               | false",
            "a//b           | a/+/b           | true",
    })
    void overlapOfTwoFilters(String a, String b, boolean expected) {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        assertThat(FilterReach.overlap(x, y)).isEqualTo(expected);
        assertThat(FilterReach.overlap(y, x)).as("symmetric").isEqualTo(expected);
    }

    @Test
    void overlapIsSoundOnAllSmallTopics() {
        // every topic of up to three levels over a tiny alphabet
        List<String> alphabet = List.of("a", "b", "$S", "");
        List<String> topics = new java.util.ArrayList<>();
        for (String s1 : alphabet) {
            topics.add(s1);
            for (String s2 : alphabet) {
                topics.add(s1 + "/" + s2);
                for (String s3 : alphabet) {
                    topics.add(s1 + "/" + s2 + "/" + s3);
                }
            }
        }
        List<String> filters = new java.util.ArrayList<>();
        List<String> filterAlphabet = List.of("a", "$S", "+", "");
        for (String s1 : filterAlphabet) {
            filters.add(s1);
            filters.add(s1 + "/#");
            for (String s2 : filterAlphabet) {
                filters.add(s1 + "/" + s2);
                filters.add(s1 + "/" + s2 + "/#");
            }
        }
        filters.add("#");
        for (String f : filters) {
            for (String g : filters) {
                boolean witness = topics.stream()
                        .anyMatch(t -> TopicMatcher.matches(f, t) && TopicMatcher.matches(g, t));
                assertThat(FilterReach.overlap(f.split("/", -1), g.split("/", -1)))
                        .as("%s & %s", f, g).isEqualTo(witness);
            }
        }
    }
}
