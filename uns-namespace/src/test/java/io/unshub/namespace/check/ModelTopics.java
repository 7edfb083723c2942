package io.unshub.namespace.check;

import io.unshub.namespace.TestModels;
import io.unshub.namespace.load.ModelLoader;
import io.unshub.namespace.model.NamespaceModel;
import io.unshub.namespace.model.NamespaceModel.ClassSpec;
import io.unshub.namespace.model.NamespaceModel.Level;
import io.unshub.namespace.model.NamespaceModel.TagPath;
import io.unshub.namespace.model.NamespaceModel.TreeNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Builds topics a model accepts by walking its levels, tree, classes and tag rules at random. */
final class ModelTopics {

    /** Names tried for open levels; each level keeps those its pattern allows. */
    static final List<String> NAMES = List.of("press", "line-7", "a1", "x_y", "cell1", "unit12", "s1", "Area51", "l1",
            "l2", "q", "zz9", "plant2", "acme", "$plant", "$SYS", "spBv1.0x", "legacy", "diagnostics", "status");
    /** Tags tried for tag paths; each class keeps those its pattern allows. */
    static final List<String> TAGS = List.of("speed", "temp_c", "Oee", "a-b", "x", "9", "17", "_hidden", "tag.name",
            "é ü", "with space", "$x", "status", "_edge");

    /** A model whose first level accepts '$' names (the MQTT '$' rule then matters for wildcards). */
    static final String DOLLAR_YAML = """
            apiVersion: uns-hub/v1
            kind: NamespaceModel
            metadata: { name: dollar }
            spec:
              segment: { pattern: "^[^+#_][^+#]{0,15}$" }
              levels:
                - { name: enterprise, required: true, values: ["$plant", acme, "spBv1.0x"] }
                - { name: site }
              classes:
                _edge: { tagPath: { minDepth: 0, maxDepth: 2, pattern: "^[^+#]{1,16}$" } }
              reserved: ["acme/secret/#", "+/+/_edge/private"]
            """;

    static final List<CompiledNamespace> MODELS = List.of(
            TestModels.compiled(TestModels.ACME),
            TestModels.compiled(TestModels.OPEN),
            CompiledNamespace.compile(ModelLoader.builtIn()),
            TestModels.compileText(DOLLAR_YAML));

    private ModelTopics() {
    }

    /** A topic built along the model; usually accepted (limits and dead ends of the tree aside). */
    static String candidate(NamespaceModel m, Random r) {
        List<String> segments = new ArrayList<>();
        if (!m.root().isEmpty()) {
            segments.addAll(List.of(m.root().split("/")));
        }
        int required = 0;
        for (int i = 0; i < m.levels().size(); i++) {
            if (m.levels().get(i).required()) {
                required = i + 1;
            }
        }
        TreeNode node = m.tree();
        for (int level = 0; level < m.levels().size(); level++) {
            if (level >= required && r.nextInt(3) == 0) {
                break;
            }
            Level l = m.levels().get(level);
            List<String> options = new ArrayList<>();
            if (node != null) {
                options.addAll(node.children().keySet());
                if (node.any() != null) {
                    options.addAll(names(m, l));
                }
            } else {
                options.addAll(names(m, l));
            }
            if (options.isEmpty()) {
                break;
            }
            String name = options.get(r.nextInt(options.size()));
            segments.add(name);
            if (node != null) {
                node = node.children().containsKey(name) ? node.children().get(name) : node.any();
            }
        }
        List<String> classes = List.copyOf(m.classes().keySet());
        String cls = classes.get(r.nextInt(classes.size()));
        segments.add(cls);
        ClassSpec spec = m.classes().get(cls);
        TagPath tags = spec.tagPath() != null ? spec.tagPath() : m.tagPath();
        SegmentRule tagRule = SegmentRule.compile(tags.pattern());
        List<String> tagOptions = TAGS.stream().filter(t -> tagRule.accepts(t, 0, t.length())).toList();
        int span = Math.min(tags.maxDepth(), tags.minDepth() + 4) - tags.minDepth();
        int n = tags.minDepth() + r.nextInt(span + 1);
        for (int i = 0; i < n; i++) {
            segments.add(tagOptions.get(r.nextInt(tagOptions.size())));
        }
        return String.join("/", segments);
    }

    /** A topic the model accepts. */
    static String accepted(CompiledNamespace ns, Random r) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            String topic = candidate(ns.model(), r);
            if (ns.classify(topic) >= 0) {
                return topic;
            }
        }
        throw new AssertionError("the generator finds no accepted topic for " + ns.model().name());
    }

    /** {@code count} distinct accepted topics, the same ones every run. */
    static List<String> sample(CompiledNamespace ns, int count, long seed) {
        Random r = new Random(seed);
        Set<String> topics = new LinkedHashSet<>();
        for (int attempt = 0; topics.size() < count && attempt < count * 50; attempt++) {
            topics.add(accepted(ns, r));
        }
        return List.copyOf(topics);
    }

    private static List<String> names(NamespaceModel m, Level level) {
        if (!level.values().isEmpty()) {
            return level.values();
        }
        SegmentRule rule = SegmentRule.compile(level.pattern() != null ? level.pattern() : m.segment().pattern());
        return NAMES.stream().filter(n -> !n.startsWith("_") && rule.accepts(n, 0, n.length())).toList();
    }

    /**
     * A filter matching {@code topic}: each segment kept or replaced by '+', optionally cut short by '#'
     * (which may also stand for no further level at all).
     */
    static String derivedFilter(String topic, Random r) {
        String[] segments = topic.split("/", -1);
        int cut = r.nextInt(3) == 0 ? r.nextInt(segments.length + 1) : -1;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < segments.length; i++) {
            if (i == cut) {
                break;
            }
            out.add(r.nextInt(3) == 0 ? "+" : segments[i]);
        }
        if (cut >= 0) {
            out.add("#");
        }
        return String.join("/", out);
    }
}
