package io.unshub.namespace.check;

import io.unshub.core.topic.TopicMatcher;
import io.unshub.namespace.contract.PayloadContract;
import io.unshub.namespace.model.NamespaceModel;
import io.unshub.namespace.model.NamespaceModel.ClassSpec;
import io.unshub.namespace.model.NamespaceModel.Level;
import io.unshub.namespace.model.NamespaceModel.TagPath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A namespace model compiled for checking: one pass over the topic, a table lookup or a character-class
 * check per segment, no allocation when the topic is accepted. Immutable and thread-safe; a reload
 * compiles a new one and swaps it in.
 *
 * <p>A topic is {@code [root/]location/_class/tag/path}: the location walks the levels in order (all
 * required levels first, optional ones after), the first segment starting with {@code _} is the class and
 * ends the location, and the tag path follows the class's rules.
 */
public final class CompiledNamespace {

    /** {@link #classify} result for a topic under a reserved prefix. */
    public static final int RESERVED = -1;

    private static final int NAMES_IN_A_REASON = 10;

    private final NamespaceModel model;
    private final String rootPrefix;
    private final int rootSegments;
    private final int maxTopicBytes;
    private final int maxDepth;
    private final LevelCheck[] levels;
    private final int requiredLevels;
    private final CompiledTree tree;
    private final NameTable<ClassCheck> classTable;
    private final ClassCheck[] classes;
    private final String[] reserved;
    private final String[] reservedPrefixes;
    private final String[] reservedFilters;
    private final FilterReach reach;
    /** The class names for reasons, capped so a reason string stays small. */
    private final String classNames;

    private CompiledNamespace(NamespaceModel model) {
        this.model = model;
        this.rootPrefix = model.root().isEmpty() ? "" : model.root() + "/";
        this.rootSegments = model.root().isEmpty() ? 0 : model.root().split("/", -1).length;
        this.maxTopicBytes = model.segment().maxTopicBytes();
        this.maxDepth = model.segment().maxDepth();
        SegmentRule defaultRule = SegmentRule.compile(model.segment().pattern());
        this.levels = new LevelCheck[model.levels().size()];
        int required = 0;
        for (int i = 0; i < levels.length; i++) {
            Level level = model.levels().get(i);
            levels[i] = new LevelCheck(level.name(), level.required(),
                    level.pattern() == null ? defaultRule : SegmentRule.compile(level.pattern()),
                    level.values().isEmpty() ? null : table(level.values()), level.values());
            if (level.required()) {
                required = i + 1;
            }
        }
        this.requiredLevels = required;
        this.tree = model.tree() == null ? null : compileTree(model.tree(), 0);
        Map<String, ClassCheck> byName = new LinkedHashMap<>();
        List<ClassCheck> list = new ArrayList<>();
        for (Map.Entry<String, ClassSpec> e : model.classes().entrySet()) {
            ClassSpec spec = e.getValue();
            TagPath tags = spec.tagPath() != null ? spec.tagPath() : model.tagPath();
            NamespaceModel.PayloadSpec payload = spec.payload() == null ? null : model.payloads().get(spec.payload());
            PayloadContract contract = payload == null ? PayloadContract.ANY : new PayloadContract(spec.payload(), payload);
            ClassCheck check = new ClassCheck(list.size(), e.getKey(), tags.minDepth(), tags.maxDepth(),
                    SegmentRule.compile(tags.pattern()), contract);
            byName.put(e.getKey(), check);
            list.add(check);
        }
        this.classTable = new NameTable<>(byName);
        this.classes = list.toArray(new ClassCheck[0]);
        this.reserved = model.reserved().toArray(new String[0]);
        // Literal "prefix/#" filters (all the built-in ones) become a startsWith; the rest use the matcher.
        List<String> prefixes = new ArrayList<>();
        List<String> filters = new ArrayList<>();
        for (String filter : reserved) {
            String head = filter.endsWith("/#") ? filter.substring(0, filter.length() - 1) : null;
            if (head != null && head.indexOf('+') < 0 && head.indexOf('#') < 0) {
                prefixes.add(head);
            } else {
                filters.add(filter);
            }
        }
        this.reservedPrefixes = prefixes.toArray(new String[0]);
        this.reservedFilters = filters.toArray(new String[0]);
        this.reach = new FilterReach(this);
        this.classNames = some(model.classes().keySet());
    }

    /** At most {@value #NAMES_IN_A_REASON} names, then how many more: reasons go into MQTT packets and logs. */
    private static String some(java.util.Collection<String> names) {
        StringBuilder text = new StringBuilder("[");
        int i = 0;
        for (String name : names) {
            if (i == NAMES_IN_A_REASON) {
                text.append(", and ").append(names.size() - i).append(" more");
                break;
            }
            text.append(i++ == 0 ? "" : ", ").append(name);
        }
        return text.append(']').toString();
    }

    /**
     * Compiles a model.
     *
     * @throws IllegalArgumentException if a pattern or a payload schema does not compile
     */
    public static CompiledNamespace compile(NamespaceModel model) {
        return new CompiledNamespace(model);
    }

    public NamespaceModel model() {
        return model;
    }

    /**
     * The class index of an accepted topic ({@code >= 0}), {@link #RESERVED}, or {@code -2 - rule.ordinal()}
     * for a rejected one ({@link #ruleOf}). Allocates nothing when the topic is accepted.
     */
    public int classify(String topic) {
        return walk(topic, null);
    }

    /** The rule behind a negative {@link #classify} result other than {@link #RESERVED}. */
    public static Rule ruleOf(int classification) {
        return Rule.byOrdinal(-2 - classification);
    }

    /** The class name for a non-negative {@link #classify} result. */
    public String className(int classIndex) {
        return classes[classIndex].name;
    }

    /** The payload contract for a non-negative {@link #classify} result. */
    public PayloadContract contract(int classIndex) {
        return classes[classIndex].contract;
    }

    /** Whether the topic is under a reserved prefix (never validated as UNS). */
    public boolean isReserved(String topic) {
        for (String prefix : reservedPrefixes) {
            // "p/#" matches "p" itself and every topic under "p/"; prefix holds "p/"
            if (topic.startsWith(prefix)
                    || (topic.length() == prefix.length() - 1 && prefix.startsWith(topic))) {
                return true;
            }
        }
        for (String filter : reservedFilters) {
            if (TopicMatcher.matches(filter, topic)) {
                return true;
            }
        }
        return false;
    }

    /** Checks a topic and says why; for tools and for the reject path (allocates). */
    public Verdict explain(String topic) {
        return explain(topic, null);
    }

    /** Checks a topic and, when it is accepted and {@code payload} is not null, the payload; says why. */
    public Verdict explain(String topic, byte[] payload) {
        StringBuilder why = new StringBuilder();
        int result = walk(topic, why);
        if (result == RESERVED) {
            return Verdict.RESERVED;
        }
        if (result < 0) {
            return Verdict.rejected(ruleOf(result), why.toString());
        }
        ClassCheck cls = classes[result];
        PayloadContract.Breach breach = payload == null ? null : cls.contract.check(payload);
        return breach == null ? Verdict.accepted(cls.name) : Verdict.rejected(breach.rule(), breach.detail());
    }

    /**
     * Whether some topic this model accepts (or a reserved one) can match {@code filter}; a filter that
     * cannot is refused in strict mode. The filter must be valid and not shared.
     */
    public boolean canMatch(String filter) {
        return reach.canMatch(filter);
    }

    private int reject(Rule rule, StringBuilder why, Object... detail) {
        if (why != null) {
            for (Object part : detail) {
                why.append(part);
            }
        }
        return -2 - rule.ordinal();
    }

    /** The one walk behind {@link #classify} and {@link #explain}; {@code why} is null on the fast path. */
    private int walk(String topic, StringBuilder why) {
        int length = topic.length();
        if (length > maxTopicBytes || (length * 3 > maxTopicBytes && utf8Length(topic) > maxTopicBytes)) {
            if (isReserved(topic)) {
                return RESERVED;
            }
            return reject(Rule.TOPIC_TOO_LONG, why, "topic is longer than ", maxTopicBytes, " bytes");
        }
        if (isReserved(topic)) {
            return RESERVED;
        }
        if (!topic.startsWith(rootPrefix)) {
            return reject(Rule.ROOT, why, "topic must start with '", rootPrefix, "'");
        }
        int pos = rootPrefix.length();
        int depth = rootSegments;
        int level = 0;
        CompiledTree node = tree;
        while (true) {
            if (++depth > maxDepth) {
                return reject(Rule.TOO_MANY_SEGMENTS, why, "topic has more than ", maxDepth, " segments");
            }
            int end = topic.indexOf('/', pos);
            if (end < 0) {
                end = length;
            }
            if (end > pos && topic.charAt(pos) == '_') {
                if (level < requiredLevels) {
                    return reject(Rule.LEVEL_REQUIRED, why, "level '", levels[level].name,
                            "' is required before the class segment '", topic.substring(pos, end), "'");
                }
                ClassCheck cls = classTable.get(topic, pos, end);
                if (cls == null) {
                    return reject(Rule.CLASS_UNKNOWN, why, "class '", topic.substring(pos, end),
                            "' is not in the model; known: ", classNames);
                }
                return end == length ? cls.tagDepthOk(0, why, this) : walkTags(topic, end + 1, depth, cls, why);
            }
            if (level == levels.length) {
                return reject(Rule.CLASS_MISSING, why, "a class segment ", classNames,
                        " must follow the last level '", levels[levels.length - 1].name, "'");
            }
            LevelCheck check = levels[level];
            if (node != null) {
                CompiledTree child = node.children.get(topic, pos, end);
                if (child == null) {
                    if (node.any == null) {
                        return reject(Rule.NOT_IN_TREE, why, check.name, " '", topic.substring(pos, end),
                                "' is not in the namespace tree",
                                level == 0 ? "" : " under '" + topic.substring(0, pos - 1) + "'");
                    }
                    if (!check.accepts(topic, pos, end)) {
                        return rejectLevel(check, topic, pos, end, why);
                    }
                    child = node.any;
                }
                node = child;
            } else if (!check.accepts(topic, pos, end)) {
                return rejectLevel(check, topic, pos, end, why);
            }
            level++;
            if (end == length) {
                return reject(Rule.CLASS_MISSING, why, "the topic ends at level '", check.name, "' ('",
                        topic.substring(pos, end), "') without a class segment ", classNames);
            }
            pos = end + 1;
        }
    }

    private int rejectLevel(LevelCheck check, String topic, int pos, int end, StringBuilder why) {
        if (check.values != null) {
            return reject(Rule.LEVEL_VALUE, why, "level '", check.name, "': '", topic.substring(pos, end),
                    "' is not one of ", some(check.valueList));
        }
        return reject(Rule.SEGMENT_PATTERN, why, "level '", check.name, "': '", topic.substring(pos, end),
                "' does not match ", check.rule.pattern());
    }

    private int walkTags(String topic, int pos, int depth, ClassCheck cls, StringBuilder why) {
        int length = topic.length();
        int tags = 0;
        while (true) {
            if (++depth > maxDepth) {
                return reject(Rule.TOO_MANY_SEGMENTS, why, "topic has more than ", maxDepth, " segments");
            }
            int end = topic.indexOf('/', pos);
            if (end < 0) {
                end = length;
            }
            if (++tags > cls.maxTags) {
                return cls.tagDepthOk(tags, why, this);
            }
            if (!cls.tagRule.accepts(topic, pos, end)) {
                return reject(Rule.TAG_PATH_PATTERN, why, "tag path segment '", topic.substring(pos, end),
                        "' of class '", cls.name, "' does not match ", cls.tagRule.pattern());
            }
            if (end == length) {
                return cls.tagDepthOk(tags, why, this);
            }
            pos = end + 1;
        }
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private CompiledTree compileTree(NamespaceModel.TreeNode node, int depth) {
        Map<String, CompiledTree> children = new LinkedHashMap<>();
        node.children().forEach((name, child) -> children.put(name, compileTree(child, depth + 1)));
        CompiledTree any = node.any() == null ? null : compileTree(node.any(), depth + 1);
        boolean completable = depth >= requiredLevels || children.values().stream().anyMatch(c -> c.completable)
                || (any != null && any.completable);
        return new CompiledTree(new NameTable<>(children), List.copyOf(children.values()), any, completable);
    }

    private static NameTable<Boolean> table(List<String> names) {
        Map<String, Boolean> map = new LinkedHashMap<>();
        names.forEach(n -> map.put(n, Boolean.TRUE));
        return new NameTable<>(map);
    }

    // ------------------------------------------------------------------ views for FilterReach

    LevelCheck[] levels() {
        return levels;
    }

    int requiredLevels() {
        return requiredLevels;
    }

    CompiledTree tree() {
        return tree;
    }

    ClassCheck[] classes() {
        return classes;
    }

    NameTable<ClassCheck> classTable() {
        return classTable;
    }

    String[] reserved() {
        return reserved;
    }

    String rootPrefix() {
        return rootPrefix;
    }

    int maxDepth() {
        return maxDepth;
    }

    /** One location level: its rule and, when closed, its allowed names. */
    record LevelCheck(String name, boolean required, SegmentRule rule, NameTable<Boolean> values,
                      List<String> valueList) {
        boolean accepts(String topic, int from, int to) {
            if (values != null) {
                return values.get(topic, from, to) != null;
            }
            return to > from && rule.accepts(topic, from, to);
        }
    }

    /** A node of the closed instance tree; {@code completable} when some accepted topic passes through it. */
    record CompiledTree(NameTable<CompiledTree> children, List<CompiledTree> childList, CompiledTree any,
                        boolean completable) {
    }

    /** One class: its tag-path limits, tag segment rule and payload contract. */
    record ClassCheck(int index, String name, int minTags, int maxTags, SegmentRule tagRule, PayloadContract contract) {
        int tagDepthOk(int tags, StringBuilder why, CompiledNamespace owner) {
            if (tags >= minTags && tags <= maxTags) {
                return index;
            }
            return owner.reject(Rule.TAG_PATH_DEPTH, why, "class '", name, "' needs ", minTags, " to ", maxTags,
                    " tag path segments", tags > maxTags ? " (more given)" : ", got " + tags);
        }
    }
}
