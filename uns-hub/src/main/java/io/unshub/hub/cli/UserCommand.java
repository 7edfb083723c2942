package io.unshub.hub.cli;

import io.unshub.broker.security.AuthConfigException;
import io.unshub.broker.security.UsersFile;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code user add NAME [--roles r1,r2] [--file users.yaml] [--password-stdin]}: adds a user to the users file,
 * or replaces its password and roles, with a salted slow hash. The password is asked twice on the terminal,
 * or read from the first line of standard input (scripts, containers). The running hub picks the change up
 * by itself.
 */
public final class UserCommand {

    static final String USAGE = """
            usage: user add NAME [--roles ROLE,ROLE] [--file PATH] [--password-stdin]
              Adds NAME to the users file (or replaces its password and roles).
              --file            the users file (default: uns.auth.users-file, else <uns.config-dir>/users.yaml)
              --roles           comma-separated roles for ACL rules (default: keep the user's roles)
              --password-stdin  read the password from the first line of standard input
            """;

    private final Console console;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Path defaultFile;

    public UserCommand(Console console, InputStream in, PrintStream out, PrintStream err, Path defaultFile) {
        this.console = console;
        this.in = in;
        this.out = out;
        this.err = err;
        this.defaultFile = defaultFile;
    }

    /** Reads the default file from the same settings the hub uses (system property, then environment). */
    public static UserCommand fromEnvironment() {
        return new UserCommand(System.console(), System.in, System.out, System.err,
                defaultUsersFile(System.getProperties(), System.getenv()));
    }

    static Path defaultUsersFile(java.util.Properties properties, Map<String, String> env) {
        String file = properties.getProperty("uns.auth.users-file", env.get("UNS_AUTH_USERS_FILE"));
        if (file != null && !file.isBlank()) {
            return Path.of(file);
        }
        String dir = properties.getProperty("uns.config-dir", env.getOrDefault("UNS_CONFIG_DIR", "config"));
        return Path.of(dir, "users.yaml");
    }

    /** Runs the command; returns the process exit code (0 ok, 1 failed, 2 bad usage). */
    public int run(String... args) {
        if (args.length < 2 || !args[0].equals("add") || args[1].startsWith("-")) {
            err.print(USAGE);
            return 2;
        }
        String name = args[1];
        Path file = defaultFile;
        Set<String> roles = new LinkedHashSet<>();
        boolean passwordFromStdin = console == null;
        boolean rolesGiven = false;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--file" -> {
                    if (++i == args.length) {
                        err.print(USAGE);
                        return 2;
                    }
                    file = Path.of(args[i]);
                }
                case "--roles" -> {
                    if (++i == args.length) {
                        err.print(USAGE);
                        return 2;
                    }
                    Arrays.stream(args[i].split(",")).map(String::trim).filter(r -> !r.isEmpty()).forEach(roles::add);
                    rolesGiven = true;
                }
                case "--password-stdin" -> passwordFromStdin = true;
                default -> {
                    err.println("unknown option " + args[i]);
                    err.print(USAGE);
                    return 2;
                }
            }
        }
        char[] password = null;
        try {
            password = passwordFromStdin ? readLine() : askTwice(name);
            if (password == null || password.length == 0) {
                err.println("no password given; nothing changed");
                return 1;
            }
            if (!rolesGiven && Files.exists(file)) {
                // A password reset keeps the roles the ACL relies on.
                UsersFile.load(file).user(name).ifPresent(existing -> roles.addAll(existing.roles()));
            }
            UsersFile.addOrReplaceUser(file, name, password, roles);
            out.println("user '" + name + "' saved in " + file.toAbsolutePath()
                    + (roles.isEmpty() ? "" : " with roles " + roles)
                    + "; a running hub picks it up within uns.auth.reload-interval");
            return 0;
        } catch (IOException | AuthConfigException | RuntimeException e) {
            err.println("could not save user '" + name + "' in " + file + ": " + e.getMessage());
            return 1;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private char[] askTwice(String name) {
        char[] first = console.readPassword("password for %s: ", name);
        char[] second = console.readPassword("again: ");
        if (first == null || second == null || !Arrays.equals(first, second)) {
            err.println("the passwords do not match");
            return null;
        }
        Arrays.fill(second, '\0');
        return first;
    }

    private char[] readLine() throws IOException {
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        return line == null ? null : line.toCharArray();
    }
}
