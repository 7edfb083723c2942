package io.unshub.opcua.config;

import io.unshub.opcua.config.ConnectionConfig.Auth;
import io.unshub.opcua.config.ConnectionConfig.AuthType;
import io.unshub.opcua.config.ConnectionConfig.Mode;
import io.unshub.opcua.config.ConnectionConfig.Policy;
import io.unshub.opcua.config.ConnectionConfig.Reconnect;
import io.unshub.opcua.config.ConnectionConfig.Security;
import io.unshub.opcua.config.ConnectionConfig.Session;
import io.unshub.opcua.config.ConnectionConfig.TimestampSource;
import io.unshub.opcua.config.ItemSettings.Deadband;
import io.unshub.opcua.config.ItemSettings.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads {@code opcua.yaml} into a {@link BridgeConfig}, refusing anything it does not understand with
 * {@code file:line: key: problem}. Secrets may be written as {@code ${ENV_VAR}}; what a reference means is
 * the resolver's business (the environment by default; the hub also resolves its own keys, {@code ${uns.x}}).
 */
public final class BridgeConfigLoader {

    private static final Set<String> ROOT = Set.of("opcua");
    private static final Set<String> OPCUA = Set.of("connections");
    private static final Set<String> CONNECTION = Set.of("name", "endpoint", "overrideHostname", "location",
            "security", "auth", "session", "reconnect", "subscription", "timestamp", "nodes", "writes");
    private static final Set<String> SECURITY = Set.of("policy", "mode", "trustDir", "trustOnFirstUse");
    private static final Set<String> AUTH = Set.of("type", "username", "password", "keyStore", "keyStorePassword",
            "alias");
    private static final Set<String> SESSION = Set.of("timeoutMs", "requestTimeoutMs", "keepAliveMs",
            "keepAliveFailures");
    private static final Set<String> RECONNECT = Set.of("initialMs", "maxMs", "jitter");
    private static final Set<String> SUBSCRIPTION = Set.of("publishingIntervalMs", "maxMonitoredItemsPerCall");
    private static final Set<String> ITEM = Set.of("samplingIntervalMs", "queueSize", "discardOldest", "deadband");
    private static final Set<String> NODE = union(ITEM, Set.of("nodeId", "tag", "unit", "browse", "tagPrefix"));
    private static final Set<String> BROWSE = Set.of("root", "depth", "references");
    private static final Set<String> DEADBAND = Set.of("type", "value");
    private static final Set<String> WRITE = Set.of("topic", "nodeId", "dataType", "readBack");
    private static final Set<String> READ_BACK = Set.of("enabled", "timeoutMs");

    private final UnaryOperator<String> env;

    public BridgeConfigLoader(UnaryOperator<String> env) {
        this.env = env;
    }

    public BridgeConfigLoader() {
        this(System::getenv);
    }

    public BridgeConfig load(Path file) throws OpcUaConfigException {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new OpcUaConfigException(name, 0, "", "cannot be read: " + e.getMessage());
        }
        return parse(name, text);
    }

    public BridgeConfig parse(String file, String text) throws OpcUaConfigException {
        Node root;
        try (Reader reader = new StringReader(text)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
        } catch (MarkedYAMLException e) {
            throw new OpcUaConfigException(file, e.getProblemMark().getLine() + 1, "", "not valid YAML: "
                    + e.getProblem());
        } catch (YAMLException | IOException e) {
            throw new OpcUaConfigException(file, 0, "", "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            return new BridgeConfig(file, List.of());
        }
        Map<String, YamlNode> top = new YamlNode(file, "", root, env).mapping(ROOT);
        YamlNode opcua = top.get("opcua");
        if (opcua == null) {
            return new BridgeConfig(file, List.of());
        }
        YamlNode connections = opcua.mapping(OPCUA).get("connections");
        List<ConnectionConfig> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> commandTopics = new HashSet<>();
        if (connections != null) {
            for (YamlNode c : connections.sequence()) {
                ConnectionConfig connection = connection(c);
                if (!names.add(connection.name())) {
                    throw c.error("a second connection named '" + connection.name() + "'");
                }
                for (WriteConfig w : connection.writes()) {
                    if (!commandTopics.add(w.topic())) {
                        throw c.error("command topic " + w.topic() + " is mapped twice");
                    }
                }
                result.add(connection);
            }
        }
        return new BridgeConfig(file, result);
    }

    private ConnectionConfig connection(YamlNode node) throws OpcUaConfigException {
        Map<String, YamlNode> m = node.mapping(CONNECTION);
        String name = required(node, m, "name").nonBlank();
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw m.get("name").error("may hold only letters, digits, '.', '_' and '-', was '" + name + "'");
        }
        YamlNode endpointNode = required(node, m, "endpoint");
        String endpoint = endpointNode.nonBlank();
        if (!endpoint.startsWith("opc.tcp://")) {
            throw endpointNode.error("must be an opc.tcp:// URL, was '" + endpoint + "'");
        }
        YamlNode locationNode = required(node, m, "location");
        String location = topicPath(locationNode);
        boolean override = m.containsKey("overrideHostname") && m.get("overrideHostname").bool();

        Security security = new Security(Policy.None, Mode.None, null, false);
        if (m.containsKey("security")) {
            Map<String, YamlNode> s = m.get("security").mapping(SECURITY);
            Policy policy = s.containsKey("policy") ? s.get("policy").oneOf(Policy.class) : Policy.None;
            Mode mode = s.containsKey("mode") ? s.get("mode").oneOf(Mode.class)
                    : policy == Policy.None ? Mode.None : Mode.SignAndEncrypt;
            if ((policy == Policy.None) != (mode == Mode.None)) {
                throw m.get("security").error("policy None goes with mode None only (policy " + policy + ", mode "
                        + mode + ")");
            }
            security = new Security(policy, mode, s.containsKey("trustDir") ? Path.of(s.get("trustDir").nonBlank())
                    : null, s.containsKey("trustOnFirstUse") && s.get("trustOnFirstUse").bool());
        }

        Auth auth = new Auth(AuthType.anonymous, null, null, null, null, null);
        if (m.containsKey("auth")) {
            Map<String, YamlNode> a = m.get("auth").mapping(AUTH);
            AuthType type = a.containsKey("type") ? a.get("type").oneOf(AuthType.class) : AuthType.anonymous;
            auth = switch (type) {
                case anonymous -> auth;
                case username -> new Auth(type, required(m.get("auth"), a, "username").nonBlank(),
                        required(m.get("auth"), a, "password").text(), null, null, null);
                case x509 -> new Auth(type, null, null, Path.of(required(m.get("auth"), a, "keyStore").nonBlank()),
                        a.containsKey("keyStorePassword") ? a.get("keyStorePassword").text() : "",
                        a.containsKey("alias") ? a.get("alias").nonBlank() : null);
            };
        }

        Session session = new Session(120_000, 10_000, 5_000, 3);
        if (m.containsKey("session")) {
            Map<String, YamlNode> s = m.get("session").mapping(SESSION);
            session = new Session(
                    longOr(s, "timeoutMs", session.timeoutMs(), 1_000, 3_600_000),
                    longOr(s, "requestTimeoutMs", session.requestTimeoutMs(), 100, 600_000),
                    longOr(s, "keepAliveMs", session.keepAliveMs(), 100, 600_000),
                    (int) longOr(s, "keepAliveFailures", session.keepAliveFailures(), 0, 100));
        }

        Reconnect reconnect = new Reconnect(1_000, 60_000, 0.2);
        if (m.containsKey("reconnect")) {
            Map<String, YamlNode> r = m.get("reconnect").mapping(RECONNECT);
            long initial = longOr(r, "initialMs", reconnect.initialMs(), 10, 3_600_000);
            long max = longOr(r, "maxMs", reconnect.maxMs(), 10, 3_600_000);
            if (max < initial) {
                throw m.get("reconnect").error("maxMs (" + max + ") is below initialMs (" + initial + ")");
            }
            double jitter = r.containsKey("jitter") ? r.get("jitter").doubleValue(0) : reconnect.jitter();
            if (jitter > 1) {
                throw r.get("jitter").error("must be between 0 and 1, was " + jitter);
            }
            reconnect = new Reconnect(initial, max, jitter);
        }

        double publishing = 1000;
        int perCall = 500;
        if (m.containsKey("subscription")) {
            Map<String, YamlNode> s = m.get("subscription").mapping(SUBSCRIPTION);
            publishing = longOr(s, "publishingIntervalMs", 1000, 1, 3_600_000);
            perCall = (int) longOr(s, "maxMonitoredItemsPerCall", 500, 1, 100_000);
        }
        TimestampSource timestamp = m.containsKey("timestamp") ? m.get("timestamp").oneOf(TimestampSource.class)
                : TimestampSource.source;

        List<TagConfig> tags = new ArrayList<>();
        List<BrowseConfig> browses = new ArrayList<>();
        Set<String> tagPaths = new HashSet<>();
        if (m.containsKey("nodes")) {
            for (YamlNode n : m.get("nodes").sequence()) {
                Map<String, YamlNode> nm = n.mapping(NODE);
                ItemSettings item = item(nm);
                if (nm.containsKey("browse")) {
                    for (String k : List.of("nodeId", "tag", "unit")) {
                        if (nm.containsKey(k)) {
                            throw nm.get(k).error("not allowed with browse (use tagPrefix)");
                        }
                    }
                    Map<String, YamlNode> b = nm.get("browse").mapping(BROWSE);
                    String root = nodeId(required(nm.get("browse"), b, "root"));
                    int depth = (int) longOr(b, "depth", 5, 1, 32);
                    BrowseConfig.References refs = b.containsKey("references")
                            ? b.get("references").oneOf(BrowseConfig.References.class)
                            : BrowseConfig.References.hierarchical;
                    String prefix = topicPath(required(n, nm, "tagPrefix"));
                    browses.add(new BrowseConfig(root, depth, refs, prefix, item));
                } else {
                    if (nm.containsKey("tagPrefix")) {
                        throw nm.get("tagPrefix").error("only allowed with browse");
                    }
                    String nodeId = nodeId(required(n, nm, "nodeId"));
                    YamlNode tagNode = required(n, nm, "tag");
                    String tag = topicPath(tagNode);
                    if (!tagPaths.add(tag)) {
                        throw tagNode.error("tag " + tag + " is configured twice");
                    }
                    String unit = nm.containsKey("unit") ? nm.get("unit").nonBlank() : null;
                    tags.add(new TagConfig(nodeId, tag, unit, item));
                }
            }
        }

        List<WriteConfig> writes = new ArrayList<>();
        if (m.containsKey("writes")) {
            for (YamlNode w : m.get("writes").sequence()) {
                Map<String, YamlNode> wm = w.mapping(WRITE);
                YamlNode topicNode = required(w, wm, "topic");
                String topic = topicPath(topicNode);
                if (!("/" + topic + "/").contains("/_cmd/")) {
                    throw topicNode.error("a command topic must have a _cmd segment, was " + topic);
                }
                String nodeId = nodeId(required(w, wm, "nodeId"));
                WriteConfig.WriteType type = required(w, wm, "dataType").oneOf(WriteConfig.WriteType.class);
                boolean readBack = false;
                long readBackTimeout = 2000;
                if (wm.containsKey("readBack")) {
                    Map<String, YamlNode> rb = wm.get("readBack").mapping(READ_BACK);
                    readBack = !rb.containsKey("enabled") || rb.get("enabled").bool();
                    readBackTimeout = longOr(rb, "timeoutMs", readBackTimeout, 10, 600_000);
                }
                writes.add(new WriteConfig(topic, nodeId, type, readBack, readBackTimeout));
            }
        }
        return new ConnectionConfig(name, endpoint, override, location, security, auth, session, reconnect,
                publishing, perCall, timestamp, tags, browses, writes);
    }

    private ItemSettings item(Map<String, YamlNode> m) throws OpcUaConfigException {
        ItemSettings d = ItemSettings.DEFAULT;
        double sampling = m.containsKey("samplingIntervalMs") ? m.get("samplingIntervalMs").doubleValue(-1)
                : d.samplingIntervalMs();
        int queue = (int) longOr(m, "queueSize", d.queueSize(), 0, 100_000);
        boolean discardOldest = m.containsKey("discardOldest") ? m.get("discardOldest").bool() : d.discardOldest();
        Deadband deadband = Deadband.NONE;
        if (m.containsKey("deadband")) {
            YamlNode dn = m.get("deadband");
            Map<String, YamlNode> dm = dn.mapping(DEADBAND);
            DeadbandType type = required(dn, dm, "type").oneOf(DeadbandType.class);
            double value = type == DeadbandType.none ? 0 : required(dn, dm, "value").doubleValue(0);
            if (type == DeadbandType.percent && value > 100) {
                throw dm.get("value").error("a percent deadband must be between 0 and 100, was " + value);
            }
            deadband = new Deadband(type, value);
        }
        return new ItemSettings(sampling, queue, discardOldest, deadband);
    }

    private static String nodeId(YamlNode node) throws OpcUaConfigException {
        String text = node.nonBlank();
        try {
            ExpandedNodeId.parse(text);
        } catch (RuntimeException e) {
            throw node.error("not a NodeId ('nsu=<namespace uri>;s=<name>', 'ns=<index>;i=<number>', ...): '"
                    + text + "'");
        }
        return text;
    }

    /** A topic or tag path: no wildcards, no empty levels, no leading or trailing '/'. */
    private static String topicPath(YamlNode node) throws OpcUaConfigException {
        String text = node.nonBlank();
        if (text.contains("+") || text.contains("#") || text.startsWith("/") || text.endsWith("/")
                || text.contains("//") || text.startsWith("$")) {
            throw node.error("must be a topic path without wildcards, '$' or empty levels, was '" + text + "'");
        }
        return text;
    }

    private static YamlNode required(YamlNode parent, Map<String, YamlNode> m, String key)
            throws OpcUaConfigException {
        YamlNode value = m.get(key);
        if (value == null) {
            throw parent.missing(key);
        }
        return value;
    }

    private static long longOr(Map<String, YamlNode> m, String key, long fallback, long min, long max)
            throws OpcUaConfigException {
        return m.containsKey(key) ? m.get(key).longValue(min, max) : fallback;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
