package io.unshub.opcua.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position-aware view of one node of the composed {@code opcua.yaml}: every accessor that finds the wrong
 * shape, an unknown key or an unset {@code ${ENV_VAR}} throws an {@link OpcUaConfigException} naming the file,
 * the line and the key path, so the typo is found without reading code.
 */
final class YamlNode {

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

    private final String file;
    private final String path;
    private final Node node;
    private final UnaryOperator<String> env;

    YamlNode(String file, String path, Node node, UnaryOperator<String> env) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.env = env;
    }

    String path() {
        return path;
    }

    int line() {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    OpcUaConfigException error(String problem) {
        return new OpcUaConfigException(file, line(), path, problem);
    }

    OpcUaConfigException missing(String key) {
        return new OpcUaConfigException(file, line(), child(key), "is required");
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The entries of this mapping, refusing keys outside {@code allowed}. */
    Map<String, YamlNode> mapping(Set<String> allowed) throws OpcUaConfigException {
        if (!(node instanceof MappingNode map)) {
            throw error("must be a mapping");
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw error("keys must be plain names");
            }
            String key = keyNode.getValue();
            YamlNode value = new YamlNode(file, child(key), tuple.getValueNode(), env);
            if (!allowed.contains(key)) {
                throw new OpcUaConfigException(file, keyNode.getStartMark().getLine() + 1, child(key),
                        "unknown key (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            if (entries.put(key, value) != null) {
                throw value.error("given twice");
            }
        }
        return entries;
    }

    List<YamlNode> sequence() throws OpcUaConfigException {
        if (!(node instanceof SequenceNode seq)) {
            throw error("must be a list");
        }
        List<YamlNode> items = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            items.add(new YamlNode(file, path + "[" + i + "]", seq.getValue().get(i), env));
        }
        return items;
    }

    /** The scalar text with {@code ${ENV_VAR}} (or, where the resolver knows them, {@code ${config.key}}) references replaced. */
    String text() throws OpcUaConfigException {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("must be a single value");
        }
        String raw = scalar.getValue();
        Matcher m = ENV.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) {
                throw error((m.group(1).indexOf('.') < 0 ? "environment variable " : "configuration property ")
                        + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    String nonBlank() throws OpcUaConfigException {
        String text = text().trim();
        if (text.isEmpty()) {
            throw error("must not be empty");
        }
        return text;
    }

    long longValue(long min, long max) throws OpcUaConfigException {
        String text = text().trim();
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw error("must be a whole number, was '" + text + "'");
        }
        if (value < min || value > max) {
            throw error("must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    double doubleValue(double min) throws OpcUaConfigException {
        String text = text().trim();
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw error("must be a number, was '" + text + "'");
        }
        if (!(value >= min) || Double.isInfinite(value)) {
            throw error("must be a finite number of at least " + min + ", was " + text);
        }
        return value;
    }

    boolean bool() throws OpcUaConfigException {
        String text = text().trim();
        return switch (text) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error("must be true or false, was '" + text + "'");
        };
    }

    <E extends Enum<E>> E oneOf(Class<E> type) throws OpcUaConfigException {
        String text = text().trim();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name());
        }
        throw error("must be one of " + String.join(", ", names) + ", was '" + text + "'");
    }
}
