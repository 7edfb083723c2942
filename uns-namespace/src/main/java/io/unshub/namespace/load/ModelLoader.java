package io.unshub.namespace.load;

import io.unshub.core.topic.Topics;
import io.unshub.namespace.check.SegmentRule;
import io.unshub.namespace.contract.PayloadContract;
import io.unshub.namespace.model.NamespaceModel;
import io.unshub.namespace.model.NamespaceModel.ClassSpec;
import io.unshub.namespace.model.NamespaceModel.Level;
import io.unshub.namespace.model.NamespaceModel.PayloadSpec;
import io.unshub.namespace.model.NamespaceModel.SegmentRules;
import io.unshub.namespace.model.NamespaceModel.TagPath;
import io.unshub.namespace.model.NamespaceModel.TreeNode;
import io.unshub.namespace.model.NamespaceModel.ViolationPolicy;
import io.unshub.namespace.sparkplug.SparkplugMapping;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a namespace model file ({@code namespace.yaml}) into a {@link NamespaceModel}, checking every
 * key, type, pattern, name and schema on the way, so that whatever it returns compiles and a mistake is
 * reported with its file, line and key. The format is documented in the README ("Designing the
 * namespace") and shown by the built-in model, {@code builtin-namespace.yaml}.
 */
public final class ModelLoader {

    public static final String API_VERSION = "uns-hub/v1";
    public static final String KIND = "NamespaceModel";
    public static final String BUILT_IN = "built-in";

    /** Never validated as UNS, whatever the model says (the hub and Sparkplug live there). */
    public static final List<String> ALWAYS_RESERVED =
            List.of("$SYS/#", "$share/#", "$sparkplug/#", "$replay/#", "$uns/#", "spBv1.0/#");

    static final String DEFAULT_SEGMENT_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";
    static final String DEFAULT_TAG_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$";
    private static final String CLASS_NAME_PATTERN = "^_[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

    private ModelLoader() {
    }

    /** Reads and checks a model file. */
    public static NamespaceModel load(Path file) throws ModelException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelException(file.toString(), 0, "", "cannot read the file: " + e);
        }
        return parse(text, file.toString());
    }

    /** The model used when there is no {@code namespace.yaml}: any ISA-95 path, any payload. */
    public static NamespaceModel builtIn() {
        try (InputStream in = ModelLoader.class.getResourceAsStream("/io/unshub/namespace/builtin-namespace.yaml")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUILT_IN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ModelException e) {
            throw new IllegalStateException("the built-in namespace model is broken: " + e.getMessage(), e);
        }
    }

    /** Reads and checks model text; {@code source} names it in errors. */
    public static NamespaceModel parse(String text, String source) throws ModelException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(20);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ModelException(source, line, "", "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ModelException(source, 0, "", "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new ModelException(source, 0, "", "the file is empty");
        }
        return new Reader(source, checksum(text)).document(new YamlView(source, root, ""));
    }

    private static String checksum(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One read of one document; holds what later sections need from earlier ones. */
    private static final class Reader {
        private final String source;
        private final String checksum;
        private SegmentRule segmentRule;
        private String segmentPattern;
        private final List<Level> levels = new ArrayList<>();
        private final List<SegmentRule> levelRules = new ArrayList<>();

        Reader(String source, String checksum) {
            this.source = source;
            this.checksum = checksum;
        }

        NamespaceModel document(YamlView doc) throws ModelException {
            Map<String, YamlView> top = doc.entries(Set.of("apiVersion", "kind", "metadata", "spec"));
            String apiVersion = required(doc, top, "apiVersion").text();
            if (!API_VERSION.equals(apiVersion)) {
                throw top.get("apiVersion").error("must be '" + API_VERSION + "', was '" + apiVersion + "'");
            }
            String kind = required(doc, top, "kind").text();
            if (!KIND.equals(kind)) {
                throw top.get("kind").error("must be '" + KIND + "', was '" + kind + "'");
            }
            String name = "unnamed";
            String revision = checksum;
            if (top.containsKey("metadata")) {
                Map<String, YamlView> meta = top.get("metadata").entries(Set.of("name", "revision", "description"));
                if (meta.containsKey("name")) {
                    name = meta.get("name").text();
                }
                if (meta.containsKey("revision")) {
                    revision = meta.get("revision").text();
                }
            }
            YamlView specView = required(doc, top, "spec");
            Map<String, YamlView> spec = specView.entries(Set.of("root", "segment", "levels", "tree", "classes",
                    "tagPath", "payloads", "reserved", "onViolation", "sparkplug"));

            String rootPrefix = spec.containsKey("root") && !spec.get("root").isNull() ? root(spec.get("root")) : "";
            SegmentRules segment = segment(spec.get("segment"));
            levels(required(specView, spec, "levels"));
            TreeNode tree = spec.containsKey("tree") ? tree(spec.get("tree"), 0) : null;
            Map<String, PayloadSpec> payloads = payloads(spec.get("payloads"));
            TagPath tagPath = spec.containsKey("tagPath")
                    ? tagPath(spec.get("tagPath"), new TagPath(1, 8, DEFAULT_TAG_PATTERN))
                    : new TagPath(1, 8, DEFAULT_TAG_PATTERN);
            Map<String, ClassSpec> classes = classes(required(specView, spec, "classes"), payloads, tagPath);
            List<String> reserved = reserved(spec.get("reserved"));
            ViolationPolicy policy = spec.containsKey("onViolation") ? policy(spec.get("onViolation"))
                    : ViolationPolicy.DEFAULT;
            SparkplugMapping sparkplug = spec.containsKey("sparkplug")
                    ? SparkplugSection.read(spec.get("sparkplug"), classes.keySet())
                    : SparkplugSection.defaults(classes.keySet());
            return new NamespaceModel(name, revision, checksum, source, rootPrefix, segment, levels, tree, classes,
                    tagPath, payloads, reserved, policy, sparkplug);
        }

        private static YamlView required(YamlView parent, Map<String, YamlView> entries, String key)
                throws ModelException {
            YamlView view = entries.get(key);
            if (view == null || view.isNull()) {
                throw new ModelException(parent.file(), parent.line(),
                        parent.path().isEmpty() ? key : parent.path() + "." + key, "is required");
            }
            return view;
        }

        private String root(YamlView view) throws ModelException {
            String root = view.text();
            if (root.isEmpty()) {
                return "";
            }
            for (String segment : root.split("/", -1)) {
                if (segment.isEmpty() || segment.contains("+") || segment.contains("#") || segment.startsWith("$")
                        || segment.startsWith("_")) {
                    throw view.error("'" + root + "' is not a usable root: segments must be non-empty, without + or #, "
                            + "and not start with $ or _");
                }
            }
            return root;
        }

        private SegmentRules segment(YamlView view) throws ModelException {
            segmentPattern = DEFAULT_SEGMENT_PATTERN;
            int maxTopicBytes = 1024;
            int maxDepth = 32;
            if (view != null) {
                Map<String, YamlView> e = view.entries(Set.of("pattern", "maxTopicBytes", "maxDepth"));
                if (e.containsKey("pattern")) {
                    segmentPattern = e.get("pattern").text();
                }
                if (e.containsKey("maxTopicBytes")) {
                    maxTopicBytes = e.get("maxTopicBytes").integer(1, Topics.MAX_TOPIC_BYTES);
                }
                if (e.containsKey("maxDepth")) {
                    maxDepth = e.get("maxDepth").integer(1, Topics.MAX_LEVELS);
                }
                segmentRule = pattern(e.getOrDefault("pattern", view), segmentPattern);
            } else {
                segmentRule = SegmentRule.compile(segmentPattern);
            }
            return new SegmentRules(segmentPattern, maxTopicBytes, maxDepth);
        }

        private static SegmentRule pattern(YamlView view, String regex) throws ModelException {
            try {
                return SegmentRule.compile(regex);
            } catch (PatternSyntaxException e) {
                throw view.error("'" + regex + "' is not a valid regular expression: " + e.getDescription());
            }
        }

        private void levels(YamlView view) throws ModelException {
            List<YamlView> items = view.items();
            if (items.isEmpty()) {
                throw view.error("at least one level is needed (enterprise, site, area, line, cell ...)");
            }
            Set<String> names = new LinkedHashSet<>();
            boolean optionalSeen = false;
            for (YamlView item : items) {
                Map<String, YamlView> e = item.entries(Set.of("name", "required", "values", "pattern", "description"));
                String name = required(item, e, "name").text();
                if (!names.add(name)) {
                    throw e.get("name").error("level '" + name + "' is defined twice");
                }
                boolean required = e.containsKey("required") && e.get("required").bool();
                if (required && optionalSeen) {
                    throw e.get("required").error("required level '" + name
                            + "' comes after an optional one; required levels must come first");
                }
                optionalSeen |= !required;
                String pattern = e.containsKey("pattern") ? e.get("pattern").text() : null;
                SegmentRule rule = pattern == null ? segmentRule : pattern(e.get("pattern"), pattern);
                List<String> values = e.containsKey("values") ? e.get("values").strings() : List.of();
                List<YamlView> valueViews = e.containsKey("values") ? e.get("values").items() : List.of();
                for (int i = 0; i < values.size(); i++) {
                    checkName(valueViews.get(i), values.get(i), name, rule);
                }
                if (e.containsKey("values") && values.isEmpty()) {
                    throw e.get("values").error("an empty list allows nothing; leave 'values' out to allow any name");
                }
                levels.add(new Level(name, required, values, pattern,
                        e.containsKey("description") ? e.get("description").text() : null));
                levelRules.add(rule);
            }
        }

        private static void checkName(YamlView where, String value, String levelName, SegmentRule rule)
                throws ModelException {
            if (value.startsWith("_")) {
                throw where.error("'" + value + "' starts with '_', which marks a class segment, not a " + levelName);
            }
            if (!rule.accepts(value, 0, value.length())) {
                throw where.error(levelName + " '" + value + "' does not match " + rule.pattern());
            }
        }

        private TreeNode tree(YamlView view, int depth) throws ModelException {
            if (view.isNull()) {
                return TreeNode.LEAF;
            }
            if (depth >= levels.size()) {
                throw view.error("the tree is deeper than the " + levels.size() + " levels defined");
            }
            Level level = levels.get(depth);
            Map<String, TreeNode> children = new LinkedHashMap<>();
            TreeNode any = null;
            if (view.isList()) {
                for (YamlView item : view.items()) {
                    String name = item.text();
                    checkTreeName(item, name, depth);
                    if (children.put(name, TreeNode.LEAF) != null) {
                        throw item.error(level.name() + " '" + name + "' is listed twice");
                    }
                }
                return new TreeNode(children, null);
            }
            for (Map.Entry<String, YamlView> e : view.entries().entrySet()) {
                TreeNode child = tree(e.getValue(), depth + 1);
                if (e.getKey().equals("*")) {
                    any = child;
                } else {
                    checkTreeName(e.getValue().atKey(), e.getKey(), depth);
                    children.put(e.getKey(), child);
                }
            }
            return new TreeNode(children, any);
        }

        private void checkTreeName(YamlView where, String name, int depth) throws ModelException {
            Level level = levels.get(depth);
            checkName(where, name, level.name(), levelRules.get(depth));
            if (!level.values().isEmpty() && !level.values().contains(name)) {
                throw where.error(level.name() + " '" + name + "' is not one of the level's values " + level.values());
            }
        }

        private TagPath tagPath(YamlView view, TagPath defaults) throws ModelException {
            Map<String, YamlView> e = view.entries(Set.of("minDepth", "maxDepth", "pattern"));
            int min = e.containsKey("minDepth") ? e.get("minDepth").integer(0, Topics.MAX_LEVELS) : defaults.minDepth();
            int max = e.containsKey("maxDepth") ? e.get("maxDepth").integer(0, Topics.MAX_LEVELS) : defaults.maxDepth();
            if (min > max) {
                throw view.error("minDepth " + min + " is larger than maxDepth " + max);
            }
            String pattern = defaults.pattern();
            if (e.containsKey("pattern")) {
                pattern = e.get("pattern").text();
                pattern(e.get("pattern"), pattern);
            }
            return new TagPath(min, max, pattern);
        }

        private Map<String, PayloadSpec> payloads(YamlView view) throws ModelException {
            Map<String, PayloadSpec> payloads = new LinkedHashMap<>(BuiltInPayloads.ALL);
            if (view == null) {
                return payloads;
            }
            for (Map.Entry<String, YamlView> entry : view.entries().entrySet()) {
                YamlView contract = entry.getValue();
                Map<String, YamlView> e = contract.entries(Set.of("format", "maxBytes", "schema", "description"));
                PayloadSpec.Format format = PayloadSpec.Format.JSON;
                if (e.containsKey("format")) {
                    String text = e.get("format").text();
                    format = switch (text) {
                        case "json" -> PayloadSpec.Format.JSON;
                        case "text" -> PayloadSpec.Format.TEXT;
                        case "any" -> PayloadSpec.Format.ANY;
                        default -> throw e.get("format").error("'" + text + "' is not one of json, text, any");
                    };
                }
                int maxBytes = e.containsKey("maxBytes") ? e.get("maxBytes").integer(0, 268_435_455) : 1_048_576;
                com.fasterxml.jackson.databind.JsonNode schema = null;
                if (e.containsKey("schema")) {
                    if (format != PayloadSpec.Format.JSON) {
                        throw e.get("schema").error("a schema needs format: json");
                    }
                    schema = e.get("schema").toJson();
                }
                PayloadSpec spec = new PayloadSpec(format, maxBytes, schema);
                try {
                    new PayloadContract(entry.getKey(), spec);
                } catch (IllegalArgumentException ex) {
                    throw e.getOrDefault("schema", contract).error(ex.getMessage());
                }
                payloads.put(entry.getKey(), spec);
            }
            return payloads;
        }

        private Map<String, ClassSpec> classes(YamlView view, Map<String, PayloadSpec> payloads,
                                               TagPath modelTagPath) throws ModelException {
            Map<String, ClassSpec> classes = new LinkedHashMap<>();
            SegmentRule classRule = SegmentRule.compile(CLASS_NAME_PATTERN);
            Map<String, YamlView> entries = view.entries();
            if (entries.isEmpty()) {
                throw view.error("at least one class (_edge, _mes ...) is needed: a class segment ends every topic's location");
            }
            for (Map.Entry<String, YamlView> entry : entries.entrySet()) {
                String name = entry.getKey();
                YamlView value = entry.getValue();
                if (!classRule.accepts(name, 0, name.length())) {
                    throw value.atKey().error("class '" + name + "' must start with '_' and match "
                            + CLASS_NAME_PATTERN);
                }
                Map<String, YamlView> e = value.entries(Set.of("payload", "tagPath", "historize", "description"));
                String payload = "any";
                if (e.containsKey("payload")) {
                    payload = e.get("payload").text();
                    if (!payloads.containsKey(payload)) {
                        throw e.get("payload").error("payload contract '" + payload + "' is not defined (known: "
                                + String.join(", ", payloads.keySet()) + ")");
                    }
                }
                TagPath tagPath = e.containsKey("tagPath") ? tagPath(e.get("tagPath"), modelTagPath) : null;
                boolean historize = !e.containsKey("historize") || e.get("historize").bool();
                classes.put(name, new ClassSpec(payload, tagPath, historize,
                        e.containsKey("description") ? e.get("description").text() : null));
            }
            return classes;
        }

        private static List<String> reserved(YamlView view) throws ModelException {
            Set<String> reserved = new LinkedHashSet<>(ALWAYS_RESERVED);
            if (view != null) {
                for (YamlView item : view.items()) {
                    String filter = item.text();
                    String problem = Topics.validateFilter(filter);
                    if (problem != null) {
                        throw item.error("'" + filter + "' is not a topic filter: " + problem);
                    }
                    reserved.add(filter);
                }
            }
            return List.copyOf(reserved);
        }

        private static ViolationPolicy policy(YamlView view) throws ModelException {
            Map<String, YamlView> e = view.entries(Set.of("mqtt5Qos0", "mqtt311", "strictSubscriptions", "report"));
            ViolationPolicy d = ViolationPolicy.DEFAULT;
            return new ViolationPolicy(
                    e.containsKey("mqtt5Qos0") ? action(e.get("mqtt5Qos0")) : d.mqtt5Qos0(),
                    e.containsKey("mqtt311") ? action(e.get("mqtt311")) : d.mqtt3(),
                    e.containsKey("strictSubscriptions") ? e.get("strictSubscriptions").bool() : d.strictSubscriptions(),
                    e.containsKey("report") ? e.get("report").bool() : d.report());
        }

        private static ViolationPolicy.Action action(YamlView view) throws ModelException {
            return switch (view.text()) {
                case "drop" -> ViolationPolicy.Action.DROP;
                case "disconnect" -> ViolationPolicy.Action.DISCONNECT;
                default -> throw view.error("'" + view.text() + "' is not one of drop, disconnect");
            };
        }
    }
}
