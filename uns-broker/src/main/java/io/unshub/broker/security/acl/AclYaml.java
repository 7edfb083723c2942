package io.unshub.broker.security.acl;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A position-aware view of one node of a composed YAML document: every accessor that meets the wrong shape
 * throws an {@link AclException} naming the file, the 1-based line and the key path. A compact cousin of the
 * namespace module's reader (the broker may not depend on that module).
 */
final class AclYaml {

    private final String file;
    private final Node node;
    private final String path;
    /** The key this node is the value of, or {@code null}: errors about the key itself point at its line. */
    private final Node keyNode;

    private AclYaml(String file, Node node, String path, Node keyNode) {
        this.file = file;
        this.node = node;
        this.path = path;
        this.keyNode = keyNode;
    }

    /** Composes {@code text}; an empty document is an error (an empty ACL file is more likely a mistake than a policy). */
    static AclYaml parse(String text, String file) throws AclException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(20);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new AclException(file, line, "", "not valid YAML: " + e.getProblem() + hint(text));
        } catch (YAMLException e) {
            throw new AclException(file, 0, "", "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new AclException(file, 0, "", "the file is empty");
        }
        return new AclYaml(file, root, "", null);
    }

    /** The classic mistake: in {@code topics: [#]} the '#' starts a comment and the list never ends. */
    private static String hint(String text) {
        return UNQUOTED_HASH.matcher(text).find()
                ? " (a '#' after '[' or ',' starts a comment; quote such filters: [\"#\"])" : "";
    }

    private static final java.util.regex.Pattern UNQUOTED_HASH = java.util.regex.Pattern.compile("[\\[,]\\s*#");

    String path() {
        return path;
    }

    int line() {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** This entry seen at its key, for errors about the key rather than its value. */
    AclYaml atKey() {
        return keyNode == null ? this : new AclYaml(file, keyNode, path, null);
    }

    AclException error(String problem) {
        return new AclException(file, line(), path, problem);
    }

    boolean isNull() {
        return node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    /** The entries of a mapping in file order; keys outside {@code allowed}, duplicates and non-text keys are errors. */
    Map<String, AclYaml> entries(Set<String> allowed) throws AclException {
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected a mapping (key: value), found " + shape());
        }
        Map<String, AclYaml> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new AclYaml(file, tuple.getKeyNode(), path, null).error("keys must be plain text");
            }
            String name = key.getValue();
            String childPath = path.isEmpty() ? name : path + "." + name;
            AclYaml child = new AclYaml(file, tuple.getValueNode(), childPath, key);
            if (!allowed.contains(name)) {
                throw child.atKey().error("unknown key '" + name + "' (allowed here: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            if (entries.putIfAbsent(name, child) != null) {
                throw child.atKey().error("duplicate key '" + name + "'");
            }
        }
        return entries;
    }

    /** The items of a list; a single scalar is read as a list of one ({@code allow: publish}). */
    List<AclYaml> items() throws AclException {
        if (node instanceof ScalarNode && !isNull()) {
            return List.of(new AclYaml(file, node, path + "[0]", null));
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw error("expected a list, found " + shape());
        }
        List<AclYaml> items = new ArrayList<>();
        List<Node> values = sequence.getValue();
        for (int i = 0; i < values.size(); i++) {
            items.add(new AclYaml(file, values.get(i), path + "[" + i + "]", null));
        }
        return items;
    }

    /** A scalar as text, as written (numbers and booleans too); empty text is an error. */
    String text() throws AclException {
        if (!(node instanceof ScalarNode scalar) || isNull()) {
            throw error("expected a text value, found " + shape());
        }
        if (scalar.getValue().isEmpty()) {
            throw error("expected a text value, found an empty one");
        }
        return scalar.getValue();
    }

    private String shape() {
        if (isNull()) {
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
