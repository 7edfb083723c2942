package io.unshub.namespace.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A typed, position-aware view of one node of a composed YAML document. Every accessor that finds the
 * wrong shape throws a {@link ModelException} naming the file, the line and the key path, which is how a
 * plant engineer finds the typo.
 */
final class YamlView {

    private final String file;
    private final Node node;
    private final String path;
    /** The key this node is the value of, or {@code null}: errors about the key itself point at its line. */
    private final Node keyNode;

    YamlView(String file, Node node, String path) {
        this(file, node, path, null);
    }

    private YamlView(String file, Node node, String path, Node keyNode) {
        this.file = file;
        this.node = node;
        this.path = path;
        this.keyNode = keyNode;
    }

    /** This entry seen at its key, for errors about the key (an unknown or badly named key) rather than its value. */
    YamlView atKey() {
        return keyNode == null ? this : new YamlView(file, keyNode, path);
    }

    String file() {
        return file;
    }

    String path() {
        return path;
    }

    int line() {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    ModelException error(String problem) {
        return new ModelException(file, line(), path, problem);
    }

    boolean isNull() {
        return node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    boolean isMap() {
        return node instanceof MappingNode;
    }

    boolean isList() {
        return node instanceof SequenceNode;
    }

    /** The entries of a mapping, in file order; duplicate keys and non-text keys are errors. */
    Map<String, YamlView> entries() throws ModelException {
        if (isNull()) {
            return Map.of();
        }
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected a mapping (key: value), found " + shape());
        }
        Map<String, YamlView> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new YamlView(file, tuple.getKeyNode(), path).error("keys must be plain text");
            }
            String key = keyNode.getValue();
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (entries.containsKey(key)) {
                throw new YamlView(file, keyNode, childPath).error("duplicate key '" + key + "'");
            }
            entries.put(key, new YamlView(file, tuple.getValueNode(), childPath, keyNode));
        }
        return entries;
    }

    /** Fails on any key not in {@code allowed}, listing the allowed ones. */
    Map<String, YamlView> entries(Set<String> allowed) throws ModelException {
        Map<String, YamlView> entries = entries();
        for (Map.Entry<String, YamlView> e : entries.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw e.getValue().atKey().error("unknown key '" + e.getKey() + "' (allowed here: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return entries;
    }

    List<YamlView> items() throws ModelException {
        if (isNull()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw error("expected a list, found " + shape());
        }
        List<YamlView> items = new ArrayList<>();
        List<Node> values = sequence.getValue();
        for (int i = 0; i < values.size(); i++) {
            items.add(new YamlView(file, values.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    /** A scalar as text (numbers and booleans too, as written). */
    String text() throws ModelException {
        if (!(node instanceof ScalarNode scalar) || isNull()) {
            throw error("expected a text value, found " + shape());
        }
        return scalar.getValue();
    }

    int integer(int min, int max) throws ModelException {
        if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.INT)) {
            throw error("expected a whole number, found " + shape());
        }
        try {
            int value = Integer.parseInt(scalar.getValue().replace("_", ""));
            if (value < min || value > max) {
                throw error("must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw error("'" + scalar.getValue() + "' is not a whole number between " + min + " and " + max);
        }
    }

    boolean bool() throws ModelException {
        if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.BOOL)) {
            throw error("expected true or false, found " + shape());
        }
        return yamlTrue(scalar.getValue());
    }

    /** YAML 1.1 booleans, as SnakeYAML resolves them: yes/on/true (any case) are true, no/off/false false. */
    private static boolean yamlTrue(String value) {
        String v = value.toLowerCase(java.util.Locale.ROOT);
        return v.equals("true") || v.equals("yes") || v.equals("on");
    }

    List<String> strings() throws ModelException {
        List<String> values = new ArrayList<>();
        for (YamlView item : items()) {
            values.add(item.text());
        }
        return values;
    }

    /** The node as a Jackson tree (for JSON Schemas written in YAML). */
    JsonNode toJson() throws ModelException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (isNull()) {
            return f.nullNode();
        }
        if (isMap()) {
            ObjectNode object = f.objectNode();
            for (Map.Entry<String, YamlView> e : entries().entrySet()) {
                object.set(e.getKey(), e.getValue().toJson());
            }
            return object;
        }
        if (isList()) {
            ArrayNode array = f.arrayNode();
            for (YamlView item : items()) {
                array.add(item.toJson());
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        try {
            if (tag.equals(Tag.INT)) {
                return f.numberNode(new BigInteger(value.replace("_", "")));
            }
            if (tag.equals(Tag.FLOAT)) {
                return f.numberNode(new BigDecimal(value.replace("_", "")));
            }
        } catch (NumberFormatException e) {
            throw error("'" + value + "' is not a number JSON can hold");
        }
        if (tag.equals(Tag.BOOL)) {
            return f.booleanNode(yamlTrue(value));
        }
        return f.textNode(value);
    }

    private String shape() {
        if (node == null || isNull()) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }
}
