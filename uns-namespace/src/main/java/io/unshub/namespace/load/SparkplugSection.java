package io.unshub.namespace.load;

import io.unshub.namespace.sparkplug.SparkplugMapping;
import io.unshub.namespace.sparkplug.TopicTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the model's optional {@code spec.sparkplug} section: the class segments of values, metadata and
 * commands, and the mapping rules with their match and topic templates, each checked with file, line and key.
 */
final class SparkplugSection {

    private SparkplugSection() {
    }

    /** The mapping of a model without the section: {@code _meta} and {@code _cmd} only when the model has them. */
    static SparkplugMapping defaults(Set<String> classes) {
        SparkplugMapping d = SparkplugMapping.DEFAULT;
        return new SparkplugMapping(d.valueClass(), classes.contains(d.metaClass()) ? d.metaClass() : null,
                classes.contains(d.commandClass()) ? d.commandClass() : null, List.of());
    }

    static SparkplugMapping read(YamlView view, Set<String> classes) throws ModelException {
        if (view.isNull()) {
            return defaults(classes);
        }
        SparkplugMapping fallback = defaults(classes);
        Map<String, YamlView> e = view.entries(Set.of("valueClass", "metaClass", "commandClass", "mappings"));
        String valueClass = e.containsKey("valueClass") ? className(e.get("valueClass"), classes) : fallback.valueClass();
        String metaClass = e.containsKey("metaClass") ? optionalClass(e.get("metaClass"), classes) : fallback.metaClass();
        String commandClass = e.containsKey("commandClass") ? optionalClass(e.get("commandClass"), classes)
                : fallback.commandClass();
        List<SparkplugMapping.Rule> rules = new ArrayList<>();
        if (e.containsKey("mappings")) {
            for (YamlView item : e.get("mappings").items()) {
                rules.add(rule(item));
            }
        }
        return new SparkplugMapping(valueClass, metaClass, commandClass, rules);
    }

    private static String className(YamlView view, Set<String> classes) throws ModelException {
        String name = view.text();
        if (!classes.contains(name)) {
            throw view.error("class '" + name + "' is not defined in spec.classes (known: " + String.join(", ", classes) + ")");
        }
        return name;
    }

    private static String optionalClass(YamlView view, Set<String> classes) throws ModelException {
        return view.isNull() || view.text().isEmpty() ? null : className(view, classes);
    }

    private static SparkplugMapping.Rule rule(YamlView item) throws ModelException {
        Map<String, YamlView> e = item.entries(Set.of("match", "location", "tag"));
        String group = null;
        String node = null;
        String device = null;
        if (e.containsKey("match")) {
            Map<String, YamlView> m = e.get("match").entries(Set.of("group", "node", "device"));
            group = id(m.get("group"), false);
            node = id(m.get("node"), false);
            device = id(m.get("device"), true);
        }
        TopicTemplate location = e.containsKey("location") ? template(e.get("location"))
                : SparkplugMapping.DEFAULT_RULE.location();
        TopicTemplate tag = e.containsKey("tag") ? template(e.get("tag")) : SparkplugMapping.DEFAULT_RULE.tag();
        if (!tag.uses(TopicTemplate.Field.METRIC) && !location.uses(TopicTemplate.Field.METRIC)) {
            throw (e.containsKey("tag") ? e.get("tag") : item).error(
                    "neither location nor tag names {metric}: every metric of a node would land on one topic");
        }
        return new SparkplugMapping.Rule(group, node, device, location, tag);
    }

    /** A match id: absent or "+" = any ("+" for a device means any device, not node metrics). */
    private static String id(YamlView view, boolean device) throws ModelException {
        if (view == null || view.isNull()) {
            return null;
        }
        String id = view.text();
        if (id.equals("+")) {
            return device ? "+" : null;
        }
        if (id.contains("/") || id.contains("#") || id.contains("+")) {
            throw view.error("'" + id + "' is not a Sparkplug id: no '/', '+' or '#' (use \"+\" alone for any)");
        }
        if (id.isEmpty() && !device) {
            throw view.error("an empty id matches nothing; leave the key out or write \"+\" for any");
        }
        return id;
    }

    private static TopicTemplate template(YamlView view) throws ModelException {
        try {
            return TopicTemplate.parse(view.text());
        } catch (IllegalArgumentException ex) {
            throw view.error("'" + view.text() + "' is not a topic template: " + ex.getMessage());
        }
    }
}
