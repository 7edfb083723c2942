package io.unshub.namespace.check;

import io.unshub.namespace.TestModels;
import io.unshub.namespace.load.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.unshub.namespace.TestModels.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Topic checks: allowed and denied examples for every rule, and classify() agreeing with explain(). */
class CompiledNamespaceTest {

    static final CompiledNamespace ACME = TestModels.compiled(TestModels.ACME);
    static final CompiledNamespace OPEN = TestModels.compiled(TestModels.OPEN);
    static final CompiledNamespace BUILT_IN = CompiledNamespace.compile(ModelLoader.builtIn());

    // ------------------------------------------------------------------ the ecosystem.md 1.7 table

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "v1/acme/plant1/press/line1/cell1/_edge/spindle/speed | _edge",
            "v1/acme/plant1/press/_kpi/oee                        | _kpi",       // optional levels left out, class ends location
            "v1/acme/plant1/utilities/_meta/chiller1              | _meta",
            "v1/acme/plant1/press/line2/cell1/_historian/temp     | _historian",
            "v1/acme/plant1/press/line1/_mes/workorder/wo-17      | _mes",
            "v1/acme/plant2/stamping/_edge/temp                   | _edge",      // '*' site, '*' area
            "v1/acme/plant2/stamping/line-7/_erp/order            | _erp",      // '*' work center
            "v1/acme/plant1/utilities/_raw                        | _raw",       // _raw allows no tag path
            "v1/acme/plant1/utilities/_raw/Spindle Speed (rpm)/ä  | _raw",
    })
    void acceptedTopicsOfTheExampleModel(String topic, String className) {
        Verdict v = verdict(ACME, topic);
        assertThat(v.kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(v.className()).isEqualTo(className);
        assertThat(v.rule()).isNull();
        assertThat(v.reason()).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // topic                                      | rule           | the reason names
            "acme/plant1/press/line1/_edge/speed          | ROOT           | 'v1/'",
            "v1/acme/plant9/press/_edge/speed             | LEVEL_VALUE    | level 'site': 'plant9' is not one of [plant1, plant2]",
            "v1/acme/plant2/Press 1/_edge/speed           | SEGMENT_PATTERN| level 'area': 'Press 1' does not match ^[a-z0-9][a-z0-9_-]{0,62}$",
            "v1/acme/plant1/Press 1/_edge/speed           | NOT_IN_TREE    | area 'Press 1' is not in the namespace tree under 'v1/acme/plant1'",
            "v1/acme/plant1/press/line1/cell1             | CLASS_MISSING  | the topic ends at level 'workUnit' ('cell1') without a class segment [_edge, _historian",
            "v1/acme/plant1/press/line1/cell1/_foo/x      | CLASS_UNKNOWN  | class '_foo' is not in the model; known: [_edge, _historian, _mes, _erp, _kpi, _raw, _meta, _note]",
            "v1/acme/plant1/press/line3/_edge/x           | NOT_IN_TREE    | workCenter 'line3' is not in the namespace tree under 'v1/acme/plant1/press'",
    })
    void deniedTopicsOfTheExampleModel(String topic, Rule rule, String named) {
        Verdict v = verdict(ACME, topic);
        assertThat(v.rule()).isEqualTo(rule);
        assertThat(v.reason()).startsWith(rule.id() + " ").contains(named);
        assertThat(rule.reasonCode()).isEqualTo(0x90);
    }

    @Test
    void sparkplugTopicIsReserved() {
        assertThat(verdict(ACME, "spBv1.0/acme-plant1/DDATA/line1/cell1")).isEqualTo(Verdict.RESERVED);
        assertThat(ACME.classify("spBv1.0/acme-plant1/DDATA/line1/cell1")).isEqualTo(CompiledNamespace.RESERVED);
    }

    // ------------------------------------------------------------------ every rule, allowed and denied

    /** One denied example per rule (at least), with the segment or level its reason must name. */
    static Stream<Arguments> oneDenialPerRule() {
        String big = "{\"timestamp_ms\":1,\"value\":\"" + "x".repeat(70_000) + "\"}";
        return Stream.of(
                arguments(Rule.TOPIC_TOO_LONG, ACME, "v1/acme/plant1/utilities/_raw/" + "a".repeat(1000), null,
                        "longer than 1024 bytes"),
                arguments(Rule.TOO_MANY_SEGMENTS, ACME, "v1/acme/plant1/utilities/_raw" + "/t".repeat(12), null,
                        "more than 16 segments"),
                arguments(Rule.ROOT, OPEN, "umh/v2/acme/s1/_edge/t", null, "'umh/v1/'"),
                arguments(Rule.SEGMENT_PATTERN, OPEN, "umh/v1/acme/site 1/_edge/t", null,
                        "level 'site': 'site 1' does not match"),
                arguments(Rule.LEVEL_VALUE, OPEN, "umh/v1/initech/s1/_edge/t", null,
                        "level 'enterprise': 'initech' is not one of [acme, globex]"),
                arguments(Rule.NOT_IN_TREE, ACME, "v1/acme/plant1/press/line2/cell2/_edge/t", null,
                        "workUnit 'cell2' is not in the namespace tree under 'v1/acme/plant1/press/line2'"),
                arguments(Rule.CLASS_MISSING, OPEN, "umh/v1/acme/s1/a/l1/extra/_edge/t", null,
                        "must follow the last level 'line'"),
                arguments(Rule.CLASS_UNKNOWN, OPEN, "umh/v1/acme/s1/_nope/t", null, "class '_nope'"),
                arguments(Rule.LEVEL_REQUIRED, OPEN, "umh/v1/acme/_edge/t", null,
                        "level 'site' is required before the class segment '_edge'"),
                arguments(Rule.TAG_PATH_DEPTH, OPEN, "umh/v1/acme/s1/_edge/a/b/c/d", null,
                        "class '_edge' needs 1 to 3 tag path segments (more given)"),
                arguments(Rule.TAG_PATH_PATTERN, OPEN, "umh/v1/acme/s1/_counter/1/x", null,
                        "tag path segment 'x' of class '_counter' does not match ^[0-9]+$"),
                arguments(Rule.PAYLOAD_TOO_LARGE, ACME, "v1/acme/plant1/press/_edge/speed",
                        big.getBytes(StandardCharsets.UTF_8), "larger than the 65536 bytes contract 'uns-value-v1'"),
                arguments(Rule.PAYLOAD_FORMAT, ACME, "v1/acme/plant1/press/_edge/speed",
                        "42 rpm".getBytes(StandardCharsets.UTF_8), "payload is not JSON as contract 'uns-value-v1'"),
                arguments(Rule.PAYLOAD_SCHEMA, ACME, "v1/acme/plant1/press/_edge/speed",
                        "{\"value\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                        "payload breaks contract 'uns-value-v1'"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("oneDenialPerRule")
    void everyRuleDeniesWithItsIdCodeAndTheOffendingPart(Rule rule, CompiledNamespace ns, String topic, byte[] payload,
                                                         String named) {
        Verdict v = payload == null ? verdict(ns, topic) : ns.explain(topic, payload);
        assertThat(v.kind()).isEqualTo(Verdict.Kind.REJECTED);
        assertThat(v.rule()).isEqualTo(rule);
        assertThat(v.reason()).startsWith(rule.id() + " ").contains(named);
        assertThat(rule.reasonCode()).isEqualTo(rule.name().startsWith("PAYLOAD") ? 0x83 : 0x90);
        if (payload != null) {
            assertThat(verdict(ns, topic).kind()).as("the topic itself is fine").isEqualTo(Verdict.Kind.ACCEPTED);
        }
    }

    @Test
    void theDenialTableCoversEveryRule() {
        Set<Rule> covered = oneDenialPerRule().map(a -> (Rule) a.get()[0]).collect(Collectors.toSet());
        assertThat(covered).isEqualTo(EnumSet.allOf(Rule.class));
    }

    @Test
    void ruleIdsNamesAndCodesAreStable() {
        assertThat(Rule.values()).extracting(Rule::id).doesNotHaveDuplicates().allMatch(id -> id.matches("UNS-E[12]\\d\\d"));
        assertThat(Rule.values()).extracting(Rule::ruleName).doesNotHaveDuplicates();
        assertThat(Rule.LEVEL_VALUE.id()).isEqualTo("UNS-E104");
        assertThat(Rule.LEVEL_VALUE.ruleName()).isEqualTo("level-value");
        for (Rule rule : Rule.values()) {
            assertThat(CompiledNamespace.ruleOf(-2 - rule.ordinal())).isEqualTo(rule);
        }
    }

    // ------------------------------------------------------------------ root prefix

    @ParameterizedTest
    @ValueSource(strings = {"umh", "umh/", "umh/v1", "umh/v2/acme/s1/_edge/t", "umhx/v1/acme/s1/_edge/t",
            "v1/acme/s1/_edge/t", "/umh/v1/acme/s1/_edge/t", "UMH/v1/acme/s1/_edge/t"})
    void twoSegmentRootIsRequired(String topic) {
        Verdict v = verdict(OPEN, topic);
        assertThat(v.rule()).isEqualTo(Rule.ROOT);
        assertThat(v.reason()).isEqualTo("UNS-E102 topic must start with 'umh/v1/'");
    }

    @Test
    void rootOnlyTopicsAreNotEnough() {
        assertThat(verdict(OPEN, "umh/v1/").rule()).isEqualTo(Rule.LEVEL_VALUE);
        assertThat(verdict(ACME, "v1/").rule()).isEqualTo(Rule.NOT_IN_TREE);
        assertThat(verdict(ACME, "v1").rule()).isEqualTo(Rule.ROOT);
    }

    @Test
    void noRootMeansTheFirstSegmentIsTheFirstLevel() {
        assertThat(verdict(BUILT_IN, "acme/_edge/speed").className()).isEqualTo("_edge");
        assertThat(verdict(BUILT_IN, "v1/acme/_edge/speed").className()).as("v1 is just an enterprise here")
                .isEqualTo("_edge");
        assertThat(verdict(BUILT_IN, "_edge/speed").rule()).isEqualTo(Rule.LEVEL_REQUIRED);
        assertThat(verdict(BUILT_IN, "_edge/speed").reason()).contains("level 'enterprise'");
    }

    // ------------------------------------------------------------------ optional levels, class ends the location

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "umh/v1/acme/s1/_edge/t              | _edge",
            "umh/v1/globex/s1/area/_edge/t       | _edge",
            "umh/v1/acme/s1/area/l2/_edge/t      | _edge",
            "umh/v1/acme/s1/_kpi                 | _kpi",
            "umh/v1/acme/s1/_kpi/oee             | _kpi",
            "umh/v1/acme/s1/a/l1/_counter/17/4   | _counter",
            "umh/v1/acme/S-1_x/_edge/tag.name:1  | _edge",
    })
    void optionalLevelsMayBeLeftOut(String topic, String className) {
        assertThat(verdict(OPEN, topic).className()).isEqualTo(className);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "umh/v1/_edge/t                        | LEVEL_REQUIRED  | level 'enterprise' is required before the class segment '_edge'",
            "umh/v1/acme/_kpi                      | LEVEL_REQUIRED  | level 'site' is required",
            "umh/v1/acme/s1/area/l3/_edge/t        | LEVEL_VALUE     | level 'line': 'l3' is not one of [l1, l2]",
            "umh/v1/acme/s1                        | CLASS_MISSING   | the topic ends at level 'site'",
            "umh/v1/acme/s1/area/l1                | CLASS_MISSING   | the topic ends at level 'line'",
            "umh/v1/acme/s1/area/l1/more/_edge/t   | CLASS_MISSING   | must follow the last level 'line'",
            "umh/v1/acme/s1/-area/_edge/t          | SEGMENT_PATTERN | level 'area': '-area' does not match",
            "umh/v1/acme/s1/_/t                    | CLASS_UNKNOWN   | class '_'",
            "umh/v1/acme/s1/_EDGE/t                | CLASS_UNKNOWN   | class '_EDGE'",
            "umh/v1/acme/s1/_kpi/a/b               | TAG_PATH_DEPTH  | class '_kpi' needs 0 to 1 tag path segments (more given)",
            "umh/v1/acme/s1/_counter/1             | TAG_PATH_DEPTH  | class '_counter' needs 2 to 2 tag path segments, got 1",
            "umh/v1/acme/s1/_edge                  | TAG_PATH_DEPTH  | class '_edge' needs 1 to 3 tag path segments, got 0",
            "umh/v1/acme/s1/_edge/bad tag          | TAG_PATH_PATTERN| tag path segment 'bad tag' of class '_edge'",
            "umh/v1/acme/s1/_edge/.dot             | TAG_PATH_PATTERN| tag path segment '.dot'",
    })
    void levelsInOrderThenClassThenTags(String topic, Rule rule, String named) {
        Verdict v = verdict(OPEN, topic);
        assertThat(v.rule()).isEqualTo(rule);
        assertThat(v.reason()).contains(named);
    }

    @Test
    void aClassNameInsideTheTagPathIsJustATag() {
        assertThat(verdict(OPEN, "umh/v1/acme/s1/_edge/_kpi/_edge").className()).isEqualTo("_edge");
        assertThat(verdict(BUILT_IN, "acme/_raw/_edge/x").className()).isEqualTo("_raw");
    }

    // ------------------------------------------------------------------ closed tree

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "v1/acme/plant1/press/line1/cell1/_edge/t   | ",
            "v1/acme/plant1/press/line1/cell2/_edge/t   | ",
            "v1/acme/plant1/press/line2/cell1/_edge/t   | ",
            "v1/acme/plant1/press/line2/_edge/t         | ",
            "v1/acme/plant1/utilities/_edge/t           | ",
            "v1/acme/plant1/press/line2/cell2/_edge/t   | NOT_IN_TREE",
            "v1/acme/plant1/utilities/chiller/_edge/t   | NOT_IN_TREE",   // utilities has no work centers
            "v1/acme/plant1/paint/_edge/t               | NOT_IN_TREE",
            "v1/globex/plant1/press/_edge/t             | NOT_IN_TREE",   // enterprise: only acme in the tree
            "v1/acme/plant2/any-area/any-line/_edge/t   | ",
            "v1/acme/plant2/any-area/Line/_edge/t       | SEGMENT_PATTERN",// '*' still checks the level's pattern
            "v1/acme/plant2/any-area/line/cell1/_edge/t | NOT_IN_TREE",   // '*': ~ is a leaf
            "v1/acme/plant3/area/_edge/t                | LEVEL_VALUE",   // '*' still checks the level's values
            "v1/acme/plant2/_edge/t                     | LEVEL_REQUIRED",
    })
    void closedTreeWithWildcardNodes(String topic, Rule rule) {
        Verdict v = verdict(ACME, topic);
        assertThat(v.rule()).isEqualTo(rule);
        if (rule != null) {
            String[] segments = topic.split("/");
            // the reason quotes the offending segment (or the class segment for a missing level)
            assertThat(segments).anySatisfy(s -> assertThat(v.reason()).contains("'" + s + "'"));
        }
    }

    @Test
    void levelPatternDecidesWithoutATree() {
        // workUnit has its own pattern ^(cell|unit)[0-9]{1,3}$; without a tree it decides alone
        CompiledNamespace ns = TestModels.compileText("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  levels:
                    - { name: enterprise, required: true }
                    - { name: workUnit, pattern: "^(cell|unit)[0-9]{1,3}$" }
                  classes: { _edge: {} }
                """);
        assertThat(verdict(ns, "acme/cell12/_edge/t").className()).isEqualTo("_edge");
        assertThat(verdict(ns, "acme/unit1/_edge/t").className()).isEqualTo("_edge");
        Verdict v = verdict(ns, "acme/robot1/_edge/t");
        assertThat(v.rule()).isEqualTo(Rule.SEGMENT_PATTERN);
        assertThat(v.reason()).contains("level 'workUnit': 'robot1' does not match ^(cell|unit)[0-9]{1,3}$");
        assertThat(verdict(ns, "acme/cell1234/_edge/t").rule()).isEqualTo(Rule.SEGMENT_PATTERN);
    }

    // ------------------------------------------------------------------ tag paths

    @Test
    void tagPathDepthAndPatternPerClass() {
        // model default: 1..6, ^[A-Za-z0-9_-]{1,64}$
        assertThat(verdict(ACME, "v1/acme/plant1/press/_edge/a/b/c/d/e/f").className()).isEqualTo("_edge");
        assertThat(verdict(ACME, "v1/acme/plant1/press/_edge/a/b/c/d/e/f/g").rule()).isEqualTo(Rule.TAG_PATH_DEPTH);
        assertThat(verdict(ACME, "v1/acme/plant1/press/_edge/" + "x".repeat(64)).className()).isEqualTo("_edge");
        assertThat(verdict(ACME, "v1/acme/plant1/press/_edge/" + "x".repeat(65)).rule()).isEqualTo(Rule.TAG_PATH_PATTERN);
        // _mes overrides maxDepth only (3)
        assertThat(verdict(ACME, "v1/acme/plant1/press/_mes/a/b/c").className()).isEqualTo("_mes");
        Verdict mes = verdict(ACME, "v1/acme/plant1/press/_mes/a/b/c/d");
        assertThat(mes.rule()).isEqualTo(Rule.TAG_PATH_DEPTH);
        assertThat(mes.reason()).contains("class '_mes' needs 1 to 3");
        assertThat(verdict(ACME, "v1/acme/plant1/press/_mes/a b").rule()).isEqualTo(Rule.TAG_PATH_PATTERN);
        // _kpi: exactly one tag
        assertThat(verdict(ACME, "v1/acme/plant1/press/_kpi").reason()).contains("class '_kpi' needs 1 to 1", "got 0");
        // _raw overrides the pattern too: anything but wildcards
        assertThat(verdict(ACME, "v1/acme/plant1/press/_raw/a b/€ 10/😀").className()).isEqualTo("_raw");
        Verdict tab = verdict(ACME, "v1/acme/plant1/press/_edge/a\tb");
        assertThat(tab.rule()).isEqualTo(Rule.TAG_PATH_PATTERN);
        assertThat(tab.reason()).contains("'a\tb'", "class '_edge'");
    }

    // ------------------------------------------------------------------ limits

    @Test
    void maxDepthCountsRootLocationClassAndTags() {
        String fifteen = "v1/acme/plant1/utilities/_raw" + "/t".repeat(10);
        assertThat(fifteen.split("/")).hasSize(15);
        assertThat(verdict(ACME, fifteen + "/t").className()).as("16 segments").isEqualTo("_raw");
        Verdict v = verdict(ACME, fifteen + "/t/t");
        assertThat(v.rule()).isEqualTo(Rule.TOO_MANY_SEGMENTS);
        assertThat(v.reason()).isEqualTo("UNS-E101 topic has more than 16 segments");

        CompiledNamespace shallow = TestModels.compileText("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  root: a/b
                  segment: { maxDepth: 3 }
                  levels: [ { name: enterprise, required: true }, { name: site } ]
                  classes: { _edge: { tagPath: { minDepth: 0 } } }
                """);
        assertThat(verdict(shallow, "a/b/acme/_edge").rule()).as("4 segments").isEqualTo(Rule.TOO_MANY_SEGMENTS);
        assertThat(verdict(shallow, "a/b/acme/site/_edge").rule()).as("in the location").isEqualTo(Rule.TOO_MANY_SEGMENTS);
        CompiledNamespace four = TestModels.compileText("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  root: a/b
                  segment: { maxDepth: 4 }
                  levels: [ { name: enterprise, required: true } ]
                  classes: { _edge: { tagPath: { minDepth: 0 } } }
                """);
        assertThat(verdict(four, "a/b/acme/_edge").className()).isEqualTo("_edge");
        assertThat(verdict(four, "a/b/acme/_edge/t").rule()).isEqualTo(Rule.TOO_MANY_SEGMENTS);
    }

    @Test
    void maxTopicBytesCountsUtf8Bytes() {
        String prefix = "v1/acme/plant1/utilities/_raw/";
        // 3-byte and 4-byte characters: the topic has far fewer chars than bytes
        String euros = "€".repeat(200);                      // 600 bytes, 200 chars
        String smileys = "😀".repeat(80);                     // 320 bytes, 160 chars
        String head = prefix + euros + "/" + smileys + "/";
        int used = head.getBytes(StandardCharsets.UTF_8).length;
        String exact = head + "a".repeat(1024 - used);
        assertThat(exact.getBytes(StandardCharsets.UTF_8)).hasSize(1024);
        assertThat(exact.length()).isLessThan(1024);
        assertThat(verdict(ACME, exact).className()).isEqualTo("_raw");

        String over = exact + "a";
        Verdict v = verdict(ACME, over);
        assertThat(v.rule()).isEqualTo(Rule.TOPIC_TOO_LONG);
        assertThat(v.reason()).isEqualTo("UNS-E100 topic is longer than 1024 bytes");

        // 2-byte characters: 400 chars, 800 bytes is fine; 600 chars, 1200 bytes is not
        assertThat(verdict(ACME, prefix + "ä".repeat(200) + "/" + "ä".repeat(200)).className()).isEqualTo("_raw");
        assertThat(verdict(ACME, prefix + "ä".repeat(250) + "/" + "ä".repeat(250)).rule()).isEqualTo(Rule.TOPIC_TOO_LONG);
        // plain ASCII just over the limit
        assertThat(verdict(ACME, prefix + "a".repeat(256) + "/" + "a".repeat(256) + "/" + "a".repeat(256) + "/"
                + "a".repeat(256)).rule()).isEqualTo(Rule.TOPIC_TOO_LONG);
    }

    // ------------------------------------------------------------------ reserved prefixes

    @ParameterizedTest
    @ValueSource(strings = {"$SYS", "$SYS/broker/uptime", "$share/group/v1/acme/x", "$sparkplug/certificates/x",
            "$replay/session/1", "$uns/violations/client-1", "spBv1.0", "spBv1.0/acme/NBIRTH/node",
            "legacy", "legacy/anything/at all", "v1/diagnostics", "x/diagnostics/y/z"})
    void reservedTopicsAreNeverValidated(String topic) {
        assertThat(ACME.isReserved(topic)).isTrue();
        assertThat(verdict(ACME, topic)).isSameAs(Verdict.RESERVED);
        assertThat(ACME.explain(topic, new byte[] {(byte) 0xFF})).as("nor their payload").isSameAs(Verdict.RESERVED);
    }

    @Test
    void alwaysReservedHoldsForEveryModel() {
        assertThat(ModelLoader.ALWAYS_RESERVED).hasSize(6);
        for (CompiledNamespace ns : List.of(ACME, OPEN, BUILT_IN)) {
            assertThat(ns.model().reserved()).containsAll(ModelLoader.ALWAYS_RESERVED);
            for (String filter : ModelLoader.ALWAYS_RESERVED) {
                String topic = filter.replace("#", "x/y");
                assertThat(ns.isReserved(topic)).as("%s in %s", topic, ns.model().name()).isTrue();
                assertThat(ns.classify(topic)).isEqualTo(CompiledNamespace.RESERVED);
            }
        }
        // model additions only count in their model
        assertThat(OPEN.isReserved("acme/status/x")).isTrue();
        assertThat(ACME.isReserved("acme/status/x")).isFalse();
        assertThat(BUILT_IN.isReserved("legacy/x")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"$SYSTEM/x", "$sys/x", "SYS/x", "spBv1.0x/a", "spbv1.0/a", "$unsx/a", "legacyx/a",
            "Legacy/a", "$", "/$SYS/x", "diagnostics/x"})
    void lookAlikesAreNotReserved(String topic) {
        assertThat(ACME.isReserved(topic)).isFalse();
        assertThat(verdict(ACME, topic).kind()).isEqualTo(Verdict.Kind.REJECTED);
    }

    @Test
    void tooLongReservedTopicsAreStillReserved() {
        String topic = "$SYS/" + "x".repeat(5000);
        assertThat(verdict(ACME, topic)).isSameAs(Verdict.RESERVED);
    }

    // ------------------------------------------------------------------ empty segments and trailing slashes

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "v1//plant1/press/_edge/t               | NOT_IN_TREE      | enterprise ''",
            "v1/acme/plant2//_edge/t                | SEGMENT_PATTERN  | level 'area': ''",
            "v1/acme/plant1/press/_edge//t          | TAG_PATH_PATTERN | tag path segment ''",
            "v1/acme/plant1/press/_edge/t/          | TAG_PATH_PATTERN | tag path segment ''",
            "v1/acme/plant1/press/_raw/             | TAG_PATH_PATTERN | tag path segment ''",
            "v1/acme/plant1/press/                  | NOT_IN_TREE      | workCenter ''",
            "/v1/acme/plant1/press/_edge/t          | ROOT             | 'v1/'",
            "umh/v1//s1/_edge/t                     | LEVEL_VALUE      | level 'enterprise': ''",
            "umh/v1/acme//_edge/t                   | SEGMENT_PATTERN  | level 'site': ''",
            "umh/v1/acme/s1//_edge/t                | SEGMENT_PATTERN  | level 'area': ''",
            "umh/v1/acme/s1/a//_edge/t              | LEVEL_VALUE      | level 'line': ''",
            "umh/v1/acme/s1/_edge/t/                | TAG_PATH_PATTERN | tag path segment ''",
            "umh/v1/acme/s1/_kpi/                   | TAG_PATH_PATTERN | tag path segment ''",
            "umh/v1/acme/s1/                        | SEGMENT_PATTERN  | level 'area': ''",
            "umh/v1/acme/s1/a/l1/                   | CLASS_MISSING    | a class segment",
    })
    void emptySegmentsAndTrailingSlashes(String topic, Rule rule, String named) {
        Verdict v = verdict(topic.startsWith("umh") ? OPEN : ACME, topic);
        assertThat(v.rule()).isEqualTo(rule);
        assertThat(v.reason()).contains(named);
    }

    @Test
    void emptyTopicIsRejected() {
        assertThat(verdict(BUILT_IN, "").rule()).isEqualTo(Rule.SEGMENT_PATTERN);
        assertThat(verdict(ACME, "").rule()).isEqualTo(Rule.ROOT);
    }

    // ------------------------------------------------------------------ misc

    @Test
    void classIndexesFollowFileOrder() {
        List<String> names = List.copyOf(ACME.model().classes().keySet());
        for (int i = 0; i < names.size(); i++) {
            assertThat(ACME.className(i)).isEqualTo(names.get(i));
        }
        assertThat(ACME.classify("v1/acme/plant1/press/_kpi/oee")).isEqualTo(names.indexOf("_kpi"));
        assertThat(ACME.contract(names.indexOf("_kpi")).name()).isEqualTo("uns-value-v1");
        assertThat(ACME.contract(names.indexOf("_raw")).sizeOnly()).isTrue();
        assertThat(OPEN.contract(0).name()).isEqualTo("any");
    }

    @Test
    void builtInModelExamples() {
        assertThat(verdict(BUILT_IN, "acme/plant.1/press/line1/cell1/_cmd/start").className()).isEqualTo("_cmd");
        assertThat(verdict(BUILT_IN, "acme/p/a/l/c/x/_edge/t").rule()).isEqualTo(Rule.CLASS_MISSING);
        assertThat(verdict(BUILT_IN, "acme/.hidden/_edge/t").rule()).isEqualTo(Rule.SEGMENT_PATTERN);
        assertThat(verdict(BUILT_IN, "acme/_edge/a+b").kind()).as("a '+' is refused by MQTT before us, but still")
                .isEqualTo(Verdict.Kind.REJECTED);
        assertThat(verdict(BUILT_IN, "acme/_edge/" + "t/".repeat(15) + "t").className()).isEqualTo("_edge");
        assertThat(verdict(BUILT_IN, "acme/_edge/" + "t/".repeat(16) + "t").rule()).isEqualTo(Rule.TAG_PATH_DEPTH);
    }
}
