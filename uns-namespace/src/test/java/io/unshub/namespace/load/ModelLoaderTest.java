package io.unshub.namespace.load;

import io.unshub.namespace.TestModels;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.model.NamespaceModel;
import io.unshub.namespace.model.NamespaceModel.ClassSpec;
import io.unshub.namespace.model.NamespaceModel.Level;
import io.unshub.namespace.model.NamespaceModel.PayloadSpec;
import io.unshub.namespace.model.NamespaceModel.SegmentRules;
import io.unshub.namespace.model.NamespaceModel.TagPath;
import io.unshub.namespace.model.NamespaceModel.TreeNode;
import io.unshub.namespace.model.NamespaceModel.ViolationPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Reading model files: a complete model, the built-in one, and every kind of mistake with its file, line and key. */
class ModelLoaderTest {

    // ------------------------------------------------------------------ complete models

    @Test
    void readsTheCompleteEcosystemStyleModel() {
        NamespaceModel m = TestModels.model(TestModels.ACME);

        assertThat(m.name()).isEqualTo("acme-plant1");
        assertThat(m.revision()).isEqualTo("7");
        assertThat(m.source()).isEqualTo(TestModels.ACME);
        assertThat(m.root()).isEqualTo("v1");
        assertThat(m.segment()).isEqualTo(new SegmentRules("^[a-z0-9][a-z0-9_-]{0,62}$", 1024, 16));

        assertThat(m.levels()).extracting(Level::name)
                .containsExactly("enterprise", "site", "area", "workCenter", "workUnit");
        assertThat(m.levels()).extracting(Level::required).containsExactly(true, true, true, false, false);
        assertThat(m.levels().get(0).values()).containsExactly("acme");
        assertThat(m.levels().get(1).values()).containsExactly("plant1", "plant2");
        assertThat(m.levels().get(2).values()).isEmpty();
        assertThat(m.levels().get(2).description()).isEqualTo("any name matching segment.pattern");
        assertThat(m.levels().get(4).pattern()).isEqualTo("^(cell|unit)[0-9]{1,3}$");
        assertThat(m.levels().get(3).pattern()).isNull();

        TreeNode acme = m.tree().children().get("acme");
        assertThat(m.tree().children()).containsOnlyKeys("acme");
        assertThat(m.tree().any()).isNull();
        assertThat(acme.children()).containsOnlyKeys("plant1");
        TreeNode press = acme.children().get("plant1").children().get("press");
        assertThat(press.children()).containsOnlyKeys("line1", "line2");
        assertThat(press.children().get("line1").children()).containsOnlyKeys("cell1", "cell2");
        assertThat(press.children().get("line1").children().get("cell1")).isEqualTo(TreeNode.LEAF);
        assertThat(acme.children().get("plant1").children().get("utilities")).isEqualTo(TreeNode.LEAF);
        // "*" : "*" : "*" : ~  -> any site, any area, any work center, no work units
        assertThat(acme.any().children()).isEmpty();
        assertThat(acme.any().any().any()).isEqualTo(TreeNode.LEAF);

        assertThat(m.classes().keySet())
                .containsExactly("_edge", "_historian", "_mes", "_erp", "_kpi", "_raw", "_meta", "_note");
        ClassSpec edge = m.classes().get("_edge");
        assertThat(edge.payload()).isEqualTo("uns-value-v1");
        assertThat(edge.tagPath()).isNull();
        assertThat(edge.historize()).isTrue();
        assertThat(edge.description()).isEqualTo("device / PLC data, one tag per topic");
        assertThat(m.classes().get("_raw").historize()).isFalse();
        // a class override inherits what it does not say from the model's tagPath
        assertThat(m.classes().get("_mes").tagPath()).isEqualTo(new TagPath(1, 3, "^[A-Za-z0-9_-]{1,64}$"));
        assertThat(m.classes().get("_raw").tagPath()).isEqualTo(new TagPath(0, 12, "^[^+#]{1,256}$"));
        assertThat(m.tagPath()).isEqualTo(new TagPath(1, 6, "^[A-Za-z0-9_-]{1,64}$"));

        assertThat(m.payloads()).containsKeys("any", "text", "json", "uns-value", "uns-value-v1", "json-object",
                "text-note");
        PayloadSpec value = m.payloads().get("uns-value-v1");
        assertThat(value.format()).isEqualTo(PayloadSpec.Format.JSON);
        assertThat(value.maxBytes()).isEqualTo(65536);
        assertThat(value.schema().get("required").toString()).isEqualTo("[\"timestamp_ms\",\"value\"]");
        assertThat(value.schema().at("/properties/value/type").toString()).isEqualTo("[\"number\",\"boolean\",\"string\"]");
        assertThat(value.schema().get("additionalProperties").isBoolean()).isTrue();
        assertThat(m.payloads().get("text-note")).isEqualTo(new PayloadSpec(PayloadSpec.Format.TEXT, 16, null));
        assertThat(m.payloads().get("json-object").maxBytes()).isEqualTo(1_048_576);

        // the six that are always reserved come first, model additions after, no duplicates
        assertThat(m.reserved()).containsExactly("$SYS/#", "$share/#", "$sparkplug/#", "$replay/#", "$uns/#",
                "spBv1.0/#", "legacy/#", "+/diagnostics/#");
        assertThat(m.onViolation()).isEqualTo(new ViolationPolicy(
                ViolationPolicy.Action.DROP, ViolationPolicy.Action.DISCONNECT, true, true));

        assertThat(CompiledNamespace.compile(m).model()).isSameAs(m);
    }

    @Test
    void defaultsWhenSectionsAreLeftOut() {
        NamespaceModel m = TestModels.model(TestModels.OPEN);

        assertThat(m.name()).isEqualTo("open-isa95");
        assertThat(m.revision()).as("no revision given: the checksum").isEqualTo(m.checksum());
        assertThat(m.root()).isEqualTo("umh/v1");
        assertThat(m.segment()).isEqualTo(new SegmentRules(ModelLoader.DEFAULT_SEGMENT_PATTERN, 1024, 32));
        assertThat(m.tree()).isNull();
        assertThat(m.tagPath()).isEqualTo(new TagPath(1, 3, ModelLoader.DEFAULT_TAG_PATTERN));
        assertThat(m.classes().get("_edge").payload()).as("no payload given").isEqualTo("any");
        assertThat(m.classes().get("_edge").historize()).isTrue();
        assertThat(m.levels()).extracting(Level::required).containsExactly(true, true, false, false);
        assertThat(m.onViolation()).isEqualTo(ViolationPolicy.DEFAULT);
        assertThat(m.reserved()).startsWith(ModelLoader.ALWAYS_RESERVED.toArray(String[]::new))
                .endsWith("legacy/#", "+/status/#");
    }

    @Test
    void checksumIdentifiesTheText() throws ModelException {
        String text = TestModels.text(TestModels.OPEN);
        NamespaceModel a = ModelLoader.parse(text, "a.yaml");
        NamespaceModel b = ModelLoader.parse(text, "b.yaml");
        NamespaceModel c = ModelLoader.parse(text + "\n# a comment changes the text\n", "a.yaml");

        assertThat(a.checksum()).matches("[0-9a-f]{12}").isEqualTo(b.checksum());
        assertThat(c.checksum()).isNotEqualTo(a.checksum());
        assertThat(c.revision()).isEqualTo(c.checksum());
    }

    @Test
    void builtInModelIsPermissiveIsa95() {
        NamespaceModel m = ModelLoader.builtIn();

        assertThat(m.name()).isEqualTo("built-in ISA-95");
        assertThat(m.revision()).isEqualTo("built-in-1");
        assertThat(m.source()).isEqualTo(ModelLoader.BUILT_IN);
        assertThat(m.root()).isEmpty();
        assertThat(m.segment()).isEqualTo(new SegmentRules("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$", 4096, 64));
        assertThat(m.levels()).extracting(Level::name).containsExactly("enterprise", "site", "area", "line", "cell");
        assertThat(m.levels()).extracting(Level::required).containsExactly(true, false, false, false, false);
        assertThat(m.levels()).allSatisfy(l -> assertThat(l.values()).isEmpty());
        assertThat(m.tree()).isNull();
        assertThat(m.classes().keySet()).containsExactly("_edge", "_historian", "_kpi", "_mes", "_erp", "_meta",
                "_state", "_alarms", "_cmd", "_raw");
        assertThat(m.classes().values()).allSatisfy(c -> assertThat(c.payload()).isEqualTo("any"));
        assertThat(m.classes().get("_raw").historize()).isFalse();
        assertThat(m.tagPath()).isEqualTo(new TagPath(1, 16, "^[^+#]{1,256}$"));
        assertThat(m.payloads()).containsOnlyKeys("any", "text", "json", "uns-value");
        assertThat(m.reserved()).isEqualTo(ModelLoader.ALWAYS_RESERVED);
        assertThat(m.onViolation()).isEqualTo(ViolationPolicy.DEFAULT);

        CompiledNamespace ns = CompiledNamespace.compile(m);
        assertThat(TestModels.verdict(ns, "acme/_edge/speed").className()).isEqualTo("_edge");
        assertThat(TestModels.verdict(ns, "acme/plant1/press/line1/cell1/_raw/Spindle Speed (rpm)/x").className())
                .isEqualTo("_raw");
    }

    @Test
    void loadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("namespace.yaml");
        Files.writeString(file, TestModels.text(TestModels.ACME));
        assertThat(ModelLoader.load(file).source()).isEqualTo(file.toString());

        Files.writeString(file, BASE.replace("    maxDepth: 16", "    maxDepth: sixteen"));
        ModelException e = failure(() -> ModelLoader.load(file));
        assertThat(e.file()).isEqualTo(file.toString());
        assertThat(e.line()).isEqualTo(11);
        assertThat(e.key()).isEqualTo("spec.segment.maxDepth");
        assertThat(e.getMessage()).isEqualTo(file + ":11: spec.segment.maxDepth: " + e.problem());

        Path missing = dir.resolve("nope.yaml");
        ModelException m = failure(() -> ModelLoader.load(missing));
        assertThat(m.file()).isEqualTo(missing.toString());
        assertThat(m.line()).isZero();
        assertThat(m.problem()).startsWith("cannot read the file");
    }

    @Test
    void yesAndOnAreTrueLikeYamlSaysTheyAre() throws ModelException {
        NamespaceModel m = ModelLoader.parse("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  levels:
                    - { name: enterprise, required: yes }
                    - { name: site, required: On }
                    - { name: area, required: no }
                  classes:
                    _edge: { historize: off }
                    _kpi: { historize: YES }
                  onViolation: { strictSubscriptions: on, report: no }
                """, "bools.yaml");

        assertThat(m.levels()).extracting(Level::required).containsExactly(true, true, false);
        assertThat(m.classes().get("_edge").historize()).isFalse();
        assertThat(m.classes().get("_kpi").historize()).isTrue();
        assertThat(m.onViolation().strictSubscriptions()).isTrue();
        assertThat(m.onViolation().report()).isFalse();
    }

    @Test
    void lazyAndPossessiveQuantifiersAreValidPatterns() throws ModelException {
        NamespaceModel m = ModelLoader.parse("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  segment: { pattern: "^[a-z]+?[0-9]*$" }
                  levels:
                    - { name: enterprise, required: true, pattern: "[a-z]++" }
                  classes:
                    _edge: { tagPath: { pattern: "^[a-z]{2,4}?$" } }
                """, "lazy.yaml");
        CompiledNamespace ns = CompiledNamespace.compile(m);

        assertThat(TestModels.verdict(ns, "acme/_edge/abc").className()).isEqualTo("_edge");
        assertThat(TestModels.verdict(ns, "acme1/_edge/abc").rule()).isNotNull();
        assertThat(TestModels.verdict(ns, "acme/_edge/abcde").rule()).isNotNull();
    }

    @Test
    void schemaScalarsKeepTheirYamlTypes() throws ModelException {
        NamespaceModel m = ModelLoader.parse("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  levels: [ { name: enterprise, required: true } ]
                  classes: { _edge: { payload: p } }
                  payloads:
                    p:
                      schema:
                        type: object
                        properties:
                          a: { type: number, multipleOf: 0.5, maximum: 1_000 }
                          b: { const: true }
                          c: { const: "true" }
                          d: { type: "null" }
                          e: { const: ~ }
                          f: { const: 12345678901234567890 }
                """, "types.yaml");

        var props = m.payloads().get("p").schema().get("properties");
        assertThat(props.at("/a/multipleOf").isNumber()).isTrue();
        assertThat(props.at("/a/multipleOf").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(props.at("/a/maximum").intValue()).isEqualTo(1000);
        assertThat(props.at("/b/const").isBoolean()).isTrue();
        assertThat(props.at("/c/const").isTextual()).isTrue();
        assertThat(props.at("/d/type").asText()).isEqualTo("null");
        assertThat(props.at("/e/const").isNull()).isTrue();
        assertThat(props.at("/f/const").bigIntegerValue()).hasToString("12345678901234567890");
        assertThat(m.payloads().get("p").format()).as("json is the default format").isEqualTo(PayloadSpec.Format.JSON);
        assertThat(m.payloads().get("p").maxBytes()).isEqualTo(1_048_576);
    }

    // ------------------------------------------------------------------ broken models

    /** A valid model; each broken case changes one part of it. Line numbers matter: see the comments. */
    static final String BASE = """
            apiVersion: uns-hub/v1
            kind: NamespaceModel
            metadata:
              name: base
              revision: r1
            spec:
              root: v1
              segment:
                pattern: "^[a-z0-9][a-z0-9_-]{0,62}$"
                maxTopicBytes: 1024
                maxDepth: 16
              levels:
                - { name: enterprise, required: true, values: [acme] }
                - { name: site, required: true, values: [plant1, plant2] }
                - { name: area }
                - { name: line }
              tree:
                acme:
                  plant1:
                    press: [line1]
              classes:
                _edge: { payload: uns-value }
                _mes:
                  payload: doc
              payloads:
                doc:
                  format: json
                  schema: { type: object }
              tagPath: { minDepth: 1, maxDepth: 4 }
              reserved: ["legacy/#"]
              onViolation: { mqtt311: drop }
            """;

    @Test
    void baseModelIsValid() throws ModelException {
        NamespaceModel m = ModelLoader.parse(BASE, "broken.yaml");
        assertThat(m.revision()).isEqualTo("r1");
        assertThat(m.segment().maxDepth()).isEqualTo(16);
    }

    static Stream<Arguments> brokenModels() {
        return Stream.of(
                // not YAML at all
                broken("invalid YAML: mapping in a plain scalar", "  root: v1", "  root: v1: x   # <--",
                        "", "not valid YAML"),
                broken("invalid YAML: tab indentation", "    maxDepth: 16", "\tmaxDepth: 16   # <--",
                        "", "not valid YAML"),
                // unknown keys: typos, reported on the line of the key even when its value is a block below it
                broken("typo in a segment key", "    maxDepth: 16", "    maxDeph: 16   # <--",
                        "spec.segment.maxDeph", "unknown key 'maxDeph'"),
                broken("typo in a key with a block value", "  tagPath: { minDepth: 1, maxDepth: 4 }",
                        "  tagpath:   # <--\n    minDepth: 1", "spec.tagpath", "unknown key 'tagpath'"),
                broken("typo at the top", "metadata:", "metdata:   # <--", "metdata", "unknown key 'metdata'"),
                broken("typo in a level", "    - { name: area }", "    - { name: area, requried: true }   # <--",
                        "spec.levels[2].requried", "unknown key 'requried'"),
                broken("acl is not part of our format", "  reserved: [\"legacy/#\"]",
                        "  reserved: [\"legacy/#\"]\n  acl:   # <--\n    - { principal: \"*\" }", "spec.acl",
                        "unknown key 'acl'"),
                // wrong types
                broken("quoted number", "    maxDepth: 16", "    maxDepth: \"16\"   # <--",
                        "spec.segment.maxDepth", "expected a whole number"),
                broken("number out of range", "    maxTopicBytes: 1024", "    maxTopicBytes: 70000   # <--",
                        "spec.segment.maxTopicBytes", "between 1 and 65535"),
                broken("scalar where a list belongs", "values: [acme] }", "values: acme }   # <--",
                        "spec.levels[0].values", "expected a list"),
                broken("not a boolean", "{ name: site, required: true,", "{ name: site, required: maybe,",
                        "spec.levels[1].required", "expected true or false", 14),
                broken("list where a mapping belongs", "  onViolation: { mqtt311: drop }",
                        "  onViolation: [drop]   # <--", "spec.onViolation", "expected a mapping"),
                broken("mapping where text belongs", "  root: v1", "  root: { a: b }   # <--",
                        "spec.root", "expected a text value"),
                // required keys
                broken("level without a name", "    - { name: area }", "    - { required: false }   # <--",
                        "spec.levels[2].name", "is required"),
                broken("no classes", "  classes:\n    _edge: { payload: uns-value }\n    _mes:\n      payload: doc\n", "",
                        "spec.classes", "is required", 7),
                broken("no apiVersion", "apiVersion: uns-hub/v1\n", "", "apiVersion", "is required", 1),
                broken("no levels", "  levels:\n    - { name: enterprise, required: true, values: [acme] }\n"
                        + "    - { name: site, required: true, values: [plant1, plant2] }\n    - { name: area }\n"
                        + "    - { name: line }\n",
                        "  levels: []   # <--\n", "spec.levels", "at least one level"),
                broken("no class", "  classes:\n    _edge: { payload: uns-value }\n    _mes:\n      payload: doc\n",
                        "  classes: {}   # <--\n", "spec.classes", "at least one class"),
                // duplicates
                broken("duplicate class", "    _mes:\n", "    _edge: {}   # <--\n    _mes:\n",
                        "spec.classes._edge", "duplicate key '_edge'"),
                broken("duplicate top-level key", "  root: v1", "  root: v1\n  root: v2   # <--",
                        "spec.root", "duplicate key 'root'"),
                broken("level defined twice", "    - { name: area }", "    - { name: site }   # <--",
                        "spec.levels[2].name", "level 'site' is defined twice"),
                // regular expressions
                broken("bad segment regex", "    pattern: \"^[a-z0-9][a-z0-9_-]{0,62}$\"",
                        "    pattern: \"^[a-z0-9\"   # <--", "spec.segment.pattern", "not a valid regular expression"),
                broken("bad level regex", "    - { name: area }", "    - { name: area, pattern: \"(open\" }   # <--",
                        "spec.levels[2].pattern", "not a valid regular expression"),
                broken("bad class tagPath regex", "    _edge: { payload: uns-value }",
                        "    _edge: { payload: uns-value, tagPath: { pattern: \"*x\" } }   # <--",
                        "spec.classes._edge.tagPath.pattern", "not a valid regular expression"),
                // level values
                broken("empty values list", "values: [plant1, plant2] }", "values: [] }   # <--",
                        "spec.levels[1].values", "an empty list allows nothing"),
                broken("level value against the pattern", "values: [plant1, plant2] }", "values: [plant1, Plant2] }   # <--",
                        "spec.levels[1].values[1]", "site 'Plant2' does not match ^[a-z0-9][a-z0-9_-]{0,62}$"),
                broken("level value starting with _", "values: [plant1, plant2] }", "values: [plant1, _plant2] }   # <--",
                        "spec.levels[1].values[1]", "'_plant2' starts with '_'"),
                broken("required level after an optional one", "    - { name: area }",
                        "    - { name: area }\n    - { name: cell, required: true }   # <--",
                        "spec.levels[3].required", "required level 'cell' comes after an optional one"),
                // the tree
                broken("tree name against the level pattern", "      plant1:", "      Plant1:   # <--",
                        "spec.tree.acme.Plant1", "site 'Plant1' does not match"),
                broken("tree name not in the level's values", "      plant1:", "      plant9:   # <--",
                        "spec.tree.acme.plant9", "site 'plant9' is not one of the level's values [plant1, plant2]"),
                broken("tree list item against the pattern", "press: [line1]", "press: [line1, Line-2]   # <--",
                        "spec.tree.acme.plant1.press[1]", "line 'Line-2' does not match"),
                broken("tree list item listed twice", "press: [line1]", "press: [line1, line1]   # <--",
                        "spec.tree.acme.plant1.press[1]", "line 'line1' is listed twice"),
                broken("tree deeper than the levels", "press: [line1]", "press: { line1: [cell1] }   # <--",
                        "spec.tree.acme.plant1.press.line1", "deeper than the 4 levels"),
                // classes and payloads
                broken("class without _", "    _mes:", "    mes:   # <--", "spec.classes.mes",
                        "class 'mes' must start with '_'"),
                broken("unknown payload contract", "    _edge: { payload: uns-value }",
                        "    _edge: { payload: uns-value-v2 }   # <--", "spec.classes._edge.payload",
                        "payload contract 'uns-value-v2' is not defined"),
                broken("bad JSON Schema: regex", "      schema: { type: object }",
                        "      schema: { type: string, pattern: \"[unclosed\" }   # <--", "spec.payloads.doc.schema",
                        "not a valid JSON Schema"),
                broken("bad JSON Schema: dangling reference", "      schema: { type: object }",
                        "      schema: { $ref: \"#/$defs/missing\" }   # <--", "spec.payloads.doc.schema",
                        "not a valid JSON Schema"),
                broken("schema on a text contract", "      format: json", "      format: text",
                        "spec.payloads.doc.schema", "a schema needs format: json", 28),
                broken("unknown payload format", "      format: json", "      format: xml   # <--",
                        "spec.payloads.doc.format", "'xml' is not one of json, text, any"),
                // the rest
                broken("wrong apiVersion", "apiVersion: uns-hub/v1", "apiVersion: uns-hub/v2   # <--",
                        "apiVersion", "must be 'uns-hub/v1'"),
                broken("wrong kind", "kind: NamespaceModel", "kind: Namespace   # <--", "kind", "must be 'NamespaceModel'"),
                broken("root that is not a usable prefix", "  root: v1", "  root: $v1   # <--", "spec.root",
                        "not a usable root"),
                broken("root with an empty segment", "  root: v1", "  root: v1//x   # <--", "spec.root",
                        "not a usable root"),
                broken("reserved entry that is not a filter", "  reserved: [\"legacy/#\"]",
                        "  reserved: [\"legacy/#\", \"a/#/b\"]   # <--", "spec.reserved[1]", "is not a topic filter"),
                broken("unknown violation action", "  onViolation: { mqtt311: drop }",
                        "  onViolation: { mqtt311: kick }   # <--", "spec.onViolation.mqtt311",
                        "'kick' is not one of drop, disconnect"),
                broken("tag path minDepth above maxDepth", "  tagPath: { minDepth: 1, maxDepth: 4 }",
                        "  tagPath: { minDepth: 5, maxDepth: 4 }   # <--", "spec.tagPath", "minDepth 5 is larger than maxDepth 4"));
    }

    /** A case whose expected line is the one marked {@code # <--}. */
    private static Arguments broken(String name, String from, String to, String key, String problem) {
        return broken(name, from, to, key, problem, markedLine(BASE.replace(from, to)));
    }

    private static Arguments broken(String name, String from, String to, String key, String problem, int line) {
        if (!BASE.contains(from)) {
            throw new IllegalArgumentException(name + ": the base model has no '" + from + "'");
        }
        return arguments(name, BASE.replace(from, to), key, problem, line);
    }

    private static int markedLine(String text) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("# <--")) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no line is marked '# <--' in\n" + text);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenModels")
    void brokenModelIsReportedWithFileLineAndKey(String name, String yaml, String key, String problem, int line) {
        ModelException e = failure(() -> ModelLoader.parse(yaml, "broken.yaml"));

        assertThat(e.file()).isEqualTo("broken.yaml");
        assertThat(e.line()).as("line of: %s", e.getMessage()).isEqualTo(line);
        assertThat(e.key()).as("key of: %s", e.getMessage()).isEqualTo(key);
        assertThat(e.problem()).contains(problem);
        assertThat(e.getMessage()).startsWith("broken.yaml:" + line + ": ").contains(problem);
    }

    @Test
    void emptyFilesAreRefused() {
        for (String empty : List.of("", "   \n", "# only a comment\n")) {
            ModelException e = failure(() -> ModelLoader.parse(empty, "empty.yaml"));
            assertThat(e.line()).isZero();
            assertThat(e.key()).isEmpty();
            assertThat(e.problem()).isEqualTo("the file is empty");
            assertThat(e.getMessage()).isEqualTo("empty.yaml: the file is empty");
        }
    }

    @Test
    void documentThatIsNotAMappingIsRefused() {
        ModelException e = failure(() -> ModelLoader.parse("- a\n- b\n", "list.yaml"));
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.problem()).contains("expected a mapping");
    }

    @Test
    void aliasBombsAreRefused() {
        StringBuilder yaml = new StringBuilder(BASE).append("x0: &a0 [1, 2]\n");
        for (int i = 1; i < 12; i++) {
            yaml.append("x").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        ModelException e = failure(() -> ModelLoader.parse(yaml.toString(), "bomb.yaml"));
        assertThat(e.problem()).startsWith("not valid YAML");
    }

    private interface Load {
        NamespaceModel run() throws ModelException;
    }

    private static ModelException failure(Load load) {
        try {
            NamespaceModel m = load.run();
            throw new AssertionError("loaded although broken: " + m);
        } catch (ModelException e) {
            return e;
        }
    }
}
