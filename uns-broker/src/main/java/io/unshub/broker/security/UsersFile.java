package io.unshub.broker.security;

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

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The users of the hub, read from {@code users.yaml}:
 *
 * <pre>{@code
 * users:
 *   - name: plc-line1
 *     password: "pbkdf2-sha256$210000$...$..."   # made by 'user add'; plain text is refused
 *     roles: [plc, line1]
 *   - name: line2-gateway                        # a client certificate whose identity is line2-gateway
 *     certificate: true                          # gets these roles (see HubAuthenticator)
 *     roles: [gateway]
 * }</pre>
 *
 * <p>Each entry needs a {@code name}, and a {@code password} unless it has {@code certificate: true}; an
 * entry may have both. Every mistake (unknown key, duplicate user, a password that is not one of our hashes,
 * a missing name or password) is reported with the file, the line and the key, and never quotes the
 * password. Instances are immutable.
 */
public final class UsersFile {

    /** No users: what a missing file means. */
    public static final UsersFile EMPTY = new UsersFile("none", Map.of());

    private static final Set<String> TOP_KEYS = Set.of("users");
    private static final Set<String> USER_KEYS = Set.of("name", "password", "roles", "certificate");

    /**
     * One entry.
     *
     * @param name         the user name (a CONNECT user name, or a certificate identity)
     * @param passwordHash the {@link PasswordHasher} hash, or {@code null} for a certificate-only entry
     * @param roles        the roles granted (for ACL rules)
     * @param certificate  whether a client certificate with this identity may log in as this user
     */
    public record User(String name, String passwordHash, Set<String> roles, boolean certificate) {
        public User {
            Objects.requireNonNull(name, "name");
            roles = Collections.unmodifiableSet(new LinkedHashSet<>(roles));
        }

        @Override
        public String toString() {
            return "User[name=" + name + ", password=" + (passwordHash == null ? "none" : "****") + ", roles=" + roles
                    + ", certificate=" + certificate + "]";
        }
    }

    private final String source;
    private final Map<String, User> users;

    private UsersFile(String source, Map<String, User> users) {
        this.source = source;
        this.users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
    }

    /** Reads and checks a users file. */
    public static UsersFile load(Path file) throws AuthConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AuthConfigException(file.toString(), 0, "", "cannot read the file: " + e);
        }
        return parse(text, file.toString());
    }

    /** Reads and checks users-file text; {@code source} names it in errors. An empty text has no users. */
    public static UsersFile parse(String text, String source) throws AuthConfigException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(20);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new AuthConfigException(source, line, "", "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new AuthConfigException(source, 0, "", "not valid YAML: " + e.getMessage());
        }
        if (root == null || isNull(root)) {
            return new UsersFile(source, Map.of());
        }
        Map<String, Node> top = entries(source, root, "", TOP_KEYS);
        Node list = top.get("users");
        Map<String, User> users = new LinkedHashMap<>();
        if (list == null || isNull(list)) {
            return new UsersFile(source, users);
        }
        if (!(list instanceof SequenceNode sequence)) {
            throw error(source, list, "users", "expected a list of users, found " + shape(list));
        }
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            String path = "users[" + i + "]";
            Node item = items.get(i);
            Map<String, Node> entry = entries(source, item, path, USER_KEYS);
            Node nameNode = entry.get("name");
            if (nameNode == null || isNull(nameNode)) {
                throw error(source, item, path + ".name", "is required");
            }
            String name = text(source, nameNode, path + ".name");
            String problem = nameProblem(name);
            if (problem != null) {
                throw error(source, nameNode, path + ".name", problem);
            }
            if (users.containsKey(name)) {
                throw error(source, nameNode, path + ".name", "duplicate user '" + name + "'");
            }
            boolean certificate = false;
            Node certNode = entry.get("certificate");
            if (certNode != null && !isNull(certNode)) {
                if (!(certNode instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.BOOL)) {
                    throw error(source, certNode, path + ".certificate", "expected true or false, found "
                            + shape(certNode));
                }
                String v = scalar.getValue().toLowerCase(Locale.ROOT);
                certificate = v.equals("true") || v.equals("yes") || v.equals("on");
            }
            String hash = null;
            Node passwordNode = entry.get("password");
            if (passwordNode != null && !isNull(passwordNode)) {
                if (!(passwordNode instanceof ScalarNode)) {
                    throw error(source, passwordNode, path + ".password", "expected a password hash, found "
                            + (passwordNode instanceof SequenceNode ? "a list" : "a mapping"));
                }
                hash = ((ScalarNode) passwordNode).getValue();
                try {
                    PasswordHasher.checkEncoding(hash);
                } catch (IllegalArgumentException e) {
                    throw error(source, passwordNode, path + ".password", e.getMessage());
                }
            } else if (!certificate) {
                throw error(source, item, path + ".password",
                        "is required (or 'certificate: true' for a user who logs in with a client certificate)");
            }
            Set<String> roles = new LinkedHashSet<>();
            Node rolesNode = entry.get("roles");
            if (rolesNode != null && !isNull(rolesNode)) {
                if (!(rolesNode instanceof SequenceNode roleList)) {
                    throw error(source, rolesNode, path + ".roles", "expected a list of roles, found "
                            + shape(rolesNode));
                }
                List<Node> roleItems = roleList.getValue();
                for (int r = 0; r < roleItems.size(); r++) {
                    String rolePath = path + ".roles[" + r + "]";
                    String role = text(source, roleItems.get(r), rolePath);
                    String roleProblem = nameProblem(role);
                    if (roleProblem != null) {
                        throw error(source, roleItems.get(r), rolePath, roleProblem);
                    }
                    roles.add(role);
                }
            }
            users.put(name, new User(name, hash, roles, certificate));
        }
        return new UsersFile(source, users);
    }

    /** The file (or text) these users came from. */
    public String source() {
        return source;
    }

    public Optional<User> user(String name) {
        return Optional.ofNullable(name == null ? null : users.get(name));
    }

    /** All users in file order. */
    public Collection<User> users() {
        return users.values();
    }

    public int size() {
        return users.size();
    }

    /**
     * Adds a user, or gives an existing one a new password and roles (a {@code certificate: true} flag is
     * kept), and rewrites the file with every other user as it was. Comments and formatting of the old file
     * are not kept. The file is created (with its directory) when missing, replaced atomically (temporary
     * file, then a move), and readable by its owner only where the file system has POSIX permissions.
     * A running hub picks the change up at its next poll.
     *
     * @param password the new password; not kept (the caller may clear it)
     * @return whether an existing user was replaced
     * @throws AuthConfigException when the existing file is broken: it is left alone, fix it first
     * @throws IllegalArgumentException when the name, password or a role is not usable
     */
    public static boolean addOrReplaceUser(Path file, String name, char[] password, Set<String> roles)
            throws IOException, AuthConfigException {
        return addOrReplaceUser(file, name, password, roles, new PasswordHasher());
    }

    /** {@link #addOrReplaceUser(Path, String, char[], Set)} with a given hasher (iteration count). */
    public static boolean addOrReplaceUser(Path file, String name, char[] password, Set<String> roles,
                                           PasswordHasher hasher) throws IOException, AuthConfigException {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException("user name " + problem);
        }
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("the password must not be empty");
        }
        for (String role : roles) {
            String roleProblem = nameProblem(role);
            if (roleProblem != null) {
                throw new IllegalArgumentException("role " + roleProblem);
            }
        }
        UsersFile current = Files.exists(file) ? load(file) : EMPTY;
        Map<String, User> users = new LinkedHashMap<>(current.users);
        User previous = users.get(name);
        users.put(name, new User(name, hasher.hash(password), roles, previous != null && previous.certificate()));
        writeAtomically(file, render(users.values()));
        return previous != null;
    }

    /** The YAML text of {@code users}; every value double-quoted, so no name can change the structure. */
    static String render(Collection<User> users) {
        StringBuilder out = new StringBuilder();
        out.append("# Users of the UNS hub. Passwords are PBKDF2-SHA256 hashes; add or change a user with 'user add'.\n");
        out.append("# The hub reloads this file when it changes.\n");
        if (users.isEmpty()) {
            return out.append("users: []\n").toString();
        }
        out.append("users:\n");
        for (User user : users) {
            out.append("  - name: ").append(quote(user.name())).append('\n');
            if (user.passwordHash() != null) {
                out.append("    password: ").append(quote(user.passwordHash())).append('\n');
            }
            if (user.certificate()) {
                out.append("    certificate: true\n");
            }
            out.append("    roles: [");
            boolean first = true;
            for (String role : user.roles()) {
                out.append(first ? "" : ", ").append(quote(role));
                first = false;
            }
            out.append("]\n");
        }
        return out.toString();
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", ownerOnly);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Why {@code name} cannot be a user or role name, or {@code null} when it can. */
    static String nameProblem(String name) {
        if (name == null || name.isBlank()) {
            return "must not be empty";
        }
        if (!name.strip().equals(name)) {
            return "must not start or end with spaces";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return "must not contain control characters";
            }
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            return "is longer than MQTT allows (65,535 bytes)";
        }
        return null;
    }

    // ------------------------------------------------------------------ YAML nodes with positions

    private static Map<String, Node> entries(String source, Node node, String path, Set<String> allowed)
            throws AuthConfigException {
        if (!(node instanceof MappingNode mapping)) {
            throw error(source, node, path, "expected a mapping (key: value), found " + shape(node));
        }
        Map<String, Node> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw error(source, tuple.getKeyNode(), path, "keys must be plain text");
            }
            String key = keyNode.getValue();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            if (!allowed.contains(key)) {
                throw error(source, keyNode, keyPath, "unknown key '" + key + "' (allowed here: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            if (entries.containsKey(key)) {
                throw error(source, keyNode, keyPath, "duplicate key '" + key + "'");
            }
            entries.put(key, tuple.getValueNode());
        }
        return entries;
    }

    private static String text(String source, Node node, String path) throws AuthConfigException {
        if (!(node instanceof ScalarNode scalar) || isNull(node)) {
            throw error(source, node, path, "expected a text value, found " + shape(node));
        }
        return scalar.getValue();
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    private static String shape(Node node) {
        if (node == null || isNull(node)) {
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

    private static AuthConfigException error(String source, Node node, String path, String problem) {
        int line = node == null ? 0 : node.getStartMark().getLine() + 1;
        return new AuthConfigException(source, line, path, problem);
    }
}
