package io.unshub.namespace.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A namespace model as written by the plant: the ISA-95 levels a topic walks through, the optional
 * closed tree of instances, the {@code _class} segments that end the location and the payload contract
 * of each, the tag-path rules, the reserved prefixes and what happens to a violation. Immutable; the
 * {@link io.unshub.namespace.check.CompiledNamespace} is what checks topics.
 *
 * @param name        a name for people
 * @param revision    the revision the author gave (or the checksum when none was given)
 * @param checksum    SHA-256 prefix of the source text, so two loads of the same file compare equal
 * @param source      where it came from: a file path or {@code built-in}
 * @param root        fixed leading segments ({@code ""} for none, {@code "v1"}, {@code "umh/v1"})
 * @param segment     defaults for every segment and limits for the whole topic
 * @param levels      the location levels in order
 * @param tree        the closed tree of instances, or {@code null} when the levels alone decide
 * @param classes     the {@code _class} segments by name, in file order
 * @param tagPath     the rules for the segments after the class
 * @param payloads    the payload contracts by name
 * @param reserved    topic filters that are never validated as UNS ({@code $SYS/#}, {@code spBv1.0/#} ...)
 * @param onViolation what a violation does to the publisher and who hears about it
 * @param sparkplug   how the Sparkplug host projects metrics into this namespace
 */
public record NamespaceModel(
        String name,
        String revision,
        String checksum,
        String source,
        String root,
        SegmentRules segment,
        List<Level> levels,
        TreeNode tree,
        Map<String, ClassSpec> classes,
        TagPath tagPath,
        Map<String, PayloadSpec> payloads,
        List<String> reserved,
        ViolationPolicy onViolation,
        io.unshub.namespace.sparkplug.SparkplugMapping sparkplug) {

    /** A model with the default Sparkplug mapping. */
    public NamespaceModel(String name, String revision, String checksum, String source, String root,
                          SegmentRules segment, List<Level> levels, TreeNode tree, Map<String, ClassSpec> classes,
                          TagPath tagPath, Map<String, PayloadSpec> payloads, List<String> reserved,
                          ViolationPolicy onViolation) {
        this(name, revision, checksum, source, root, segment, levels, tree, classes, tagPath, payloads, reserved,
                onViolation, io.unshub.namespace.sparkplug.SparkplugMapping.DEFAULT);
    }

    public NamespaceModel {
        sparkplug = sparkplug == null ? io.unshub.namespace.sparkplug.SparkplugMapping.DEFAULT : sparkplug;
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(root, "root");
        levels = List.copyOf(levels);
        classes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(classes));
        payloads = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(payloads));
        reserved = List.copyOf(reserved);
    }

    /**
     * @param pattern       regular expression every location segment must match as a whole
     * @param maxTopicBytes longest topic in UTF-8 bytes
     * @param maxDepth      most segments in a topic
     */
    public record SegmentRules(String pattern, int maxTopicBytes, int maxDepth) {
    }

    /**
     * One ISA-95 level.
     *
     * @param name        enterprise, site, area, line, cell ...
     * @param required    whether a topic must name this level before its class segment
     * @param values      the names allowed at this level, or empty for any name matching the pattern
     * @param pattern     a pattern for this level only, or {@code null} for the segment default
     * @param description free text for people and the REST API
     */
    public record Level(String name, boolean required, List<String> values, String pattern, String description) {
        public Level {
            values = List.copyOf(values);
        }
    }

    /**
     * A node of the closed instance tree. {@code children} are the names allowed one level down;
     * {@code any} (written {@code "*"}) stands for every other name that passes the level's rules.
     */
    public record TreeNode(Map<String, TreeNode> children, TreeNode any) {
        public static final TreeNode LEAF = new TreeNode(Map.of(), null);

        public TreeNode {
            children = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(children));
        }
    }

    /**
     * A class segment ({@code _edge}, {@code _mes} ...) and its contract.
     *
     * @param payload     the name of its payload contract in {@link #payloads}
     * @param tagPath     tag-path rules for this class, or {@code null} for the model's
     * @param historize   whether the historian stores it by default
     * @param description free text
     */
    public record ClassSpec(String payload, TagPath tagPath, boolean historize, String description) {
    }

    /** The segments after the class: how many, and what each may look like. */
    public record TagPath(int minDepth, int maxDepth, String pattern) {
    }

    /**
     * A payload contract.
     *
     * @param format   {@code json}, {@code text} (UTF-8) or {@code any}
     * @param maxBytes largest payload accepted
     * @param schema   a JSON Schema (draft 2020-12) for {@code json}, or {@code null}
     */
    public record PayloadSpec(Format format, int maxBytes, com.fasterxml.jackson.databind.JsonNode schema) {
        public enum Format { JSON, TEXT, ANY }
    }

    /**
     * What a violation does.
     *
     * @param mqtt5Qos0           DROP or DISCONNECT an MQTT 5 client whose rejected message was QoS 0
     * @param mqtt3               DROP (acknowledge and discard) or DISCONNECT an MQTT 3.1/3.1.1 client
     * @param strictSubscriptions refuse (0x8F) subscriptions whose filter can never match the model
     * @param report              publish each violation on {@code $uns/violations/<clientId>}
     */
    public record ViolationPolicy(Action mqtt5Qos0, Action mqtt3, boolean strictSubscriptions, boolean report) {
        public enum Action { DROP, DISCONNECT }

        public static final ViolationPolicy DEFAULT = new ViolationPolicy(Action.DROP, Action.DROP, false, true);
    }
}
