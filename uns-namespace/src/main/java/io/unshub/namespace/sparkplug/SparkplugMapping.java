package io.unshub.namespace.sparkplug;

import java.util.List;
import java.util.Objects;

/**
 * How the Sparkplug host projects metrics into the namespace (the model's optional {@code sparkplug:} section).
 * A metric of edge node {@code group/node} (and device {@code device}) is published on
 * {@code <location>/<valueClass>/<tag>}, its birth metadata on {@code <location>/<metaClass>/<tag>}, and a write
 * to it is accepted on {@code <location>/<commandClass>/<tag>}, where location and tag come from the first
 * {@link Rule} whose match fits (or {@link #DEFAULT_RULE}).
 *
 * <p>Immutable.
 *
 * @param valueClass   the class segment of values ({@code _edge})
 * @param metaClass    the class segment of birth metadata, or {@code null} to publish none
 * @param commandClass the class segment of commands, or {@code null} to accept none
 * @param rules        the mapping rules, first match wins
 */
public record SparkplugMapping(String valueClass, String metaClass, String commandClass, List<Rule> rules) {

    /** {@code <group>/<node>/_edge/<device>/<metric path>}: ids as levels, the device as the first tag level. */
    public static final Rule DEFAULT_RULE = new Rule(null, null, null,
            TopicTemplate.parse("{group}/{node}"), TopicTemplate.parse("{device}/{metric}"));

    /** What a model without a {@code sparkplug:} section gets. */
    public static final SparkplugMapping DEFAULT = new SparkplugMapping("_edge", "_meta", "_cmd", List.of());

    public SparkplugMapping {
        Objects.requireNonNull(valueClass, "valueClass");
        rules = List.copyOf(rules);
    }

    /**
     * One mapping rule.
     *
     * @param group    the group id it applies to, {@code null} for any
     * @param node     the edge node id, {@code null} for any
     * @param device   the device id, {@code null} for node and device metrics alike, {@code "+"} for any device
     *                 (not node metrics), {@code ""} for node metrics only
     * @param location the template of the location levels
     * @param tag      the template of the tag path after the class segment
     */
    public record Rule(String group, String node, String device, TopicTemplate location, TopicTemplate tag) {
        public Rule {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(tag, "tag");
        }

        /** Whether the rule applies to a metric of this node and device ({@code ""} for node metrics). */
        public boolean matches(String groupId, String nodeId, String deviceId) {
            if (group != null && !group.equals(groupId)) {
                return false;
            }
            if (node != null && !node.equals(nodeId)) {
                return false;
            }
            if (device == null) {
                return true;
            }
            if (device.equals("+")) {
                return !deviceId.isEmpty();
            }
            return device.equals(deviceId);
        }
    }

    /** The rule for a metric of this node and device ({@code ""} for node metrics). */
    public Rule ruleFor(String group, String node, String device) {
        for (Rule rule : rules) {
            if (rule.matches(group, node, device)) {
                return rule;
            }
        }
        return DEFAULT_RULE;
    }
}
