package io.unshub.broker.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsersFileTest {

    private static final PasswordHasher FAST = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);
    private static final String HASH = FAST.hash("pw".toCharArray());

    @TempDir
    Path dir;

    @Test
    void readsUsersWithRolesAndCertificateUsers() throws Exception {
        UsersFile users = UsersFile.parse("""
                users:
                  - name: plc-line1
                    password: "%s"
                    roles: [plc, line1]
                  - name: line2-gateway
                    certificate: true
                    roles:
                      - gateway
                  - name: both
                    password: '%s'
                    certificate: yes
                """.formatted(HASH, HASH), "users.yaml");

        assertThat(users.size()).isEqualTo(3);
        UsersFile.User plc = users.user("plc-line1").orElseThrow();
        assertThat(plc.passwordHash()).isEqualTo(HASH);
        assertThat(plc.roles()).containsExactly("plc", "line1");
        assertThat(plc.certificate()).isFalse();
        UsersFile.User gateway = users.user("line2-gateway").orElseThrow();
        assertThat(gateway.passwordHash()).isNull();
        assertThat(gateway.certificate()).isTrue();
        assertThat(gateway.roles()).containsExactly("gateway");
        assertThat(users.user("both").orElseThrow().certificate()).isTrue();
        assertThat(users.user("nobody")).isEmpty();
        assertThat(plc.toString()).doesNotContain(HASH);
    }

    @Test
    void anEmptyFileOrAnEmptyListHasNoUsers() throws Exception {
        assertThat(UsersFile.parse("", "users.yaml").size()).isZero();
        assertThat(UsersFile.parse("# nothing yet\n", "users.yaml").size()).isZero();
        assertThat(UsersFile.parse("users: []\n", "users.yaml").size()).isZero();
        assertThat(UsersFile.parse("users:\n", "users.yaml").size()).isZero();
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndNotItsValue() {
        String text = """
                users:
                  - name: a
                    password: "%s"
                  - name: b
                    pasword: Hunter2
                """.formatted(HASH);

        assertThatThrownBy(() -> UsersFile.parse(text, "config/users.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.file()).isEqualTo("config/users.yaml");
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.key()).isEqualTo("users[1].pasword");
                    assertThat(e.problem()).contains("unknown key 'pasword'").contains("certificate, name, password, roles");
                })
                .hasMessageStartingWith("config/users.yaml:5: users[1].pasword: ")
                .hasMessageNotContaining("Hunter2");
    }

    @Test
    void anUnknownTopLevelKeyIsNamed() {
        assertThatThrownBy(() -> UsersFile.parse("users: []\nuser: []\n", "users.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.key()).isEqualTo("user");
                });
    }

    @Test
    void aDuplicateUserIsReportedAtTheSecondEntry() {
        String text = """
                users:
                  - name: a
                    password: "%s"
                  - name: b
                    password: "%s"
                  - name: a
                    password: "%s"
                """.formatted(HASH, HASH, HASH);

        assertThatThrownBy(() -> UsersFile.parse(text, "users.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(6);
                    assertThat(e.key()).isEqualTo("users[2].name");
                    assertThat(e.problem()).isEqualTo("duplicate user 'a'");
                });
    }

    @Test
    void aPlainTextPasswordIsRefusedWithoutBeingRepeated() {
        String text = """
                users:
                  - name: a
                    password: Hunter2
                """;

        assertThatThrownBy(() -> UsersFile.parse(text, "users.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.key()).isEqualTo("users[0].password");
                    assertThat(e.problem()).contains("not a pbkdf2-sha256 hash");
                })
                .hasMessageNotContaining("Hunter2");
    }

    @Test
    void aBrokenHashIsReportedWithWhatIsWrong() {
        String text = """
                users:
                  - name: a
                    roles: []
                    password: "pbkdf2-sha256$12$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
                """;

        assertThatThrownBy(() -> UsersFile.parse(text, "users.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.key()).isEqualTo("users[0].password");
                    assertThat(e.problem()).contains("iteration count");
                });
    }

    @Test
    void aMissingNameOrPasswordIsNamed() {
        assertThatThrownBy(() -> UsersFile.parse("users:\n  - roles: [x]\n    password: \"" + HASH + "\"\n", "u.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.key()).isEqualTo("users[0].name");
                    assertThat(e.problem()).isEqualTo("is required");
                });
        assertThatThrownBy(() -> UsersFile.parse("users:\n  - name: a\n  - name: b\n    roles: [x]\n", "u.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.key()).isEqualTo("users[0].password");
                    assertThat(e.problem()).contains("is required").contains("certificate: true");
                });
        assertThatThrownBy(() -> UsersFile.parse("users:\n  - name: \"\"\n    certificate: true\n", "u.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("users[0].name");
                    assertThat(e.problem()).isEqualTo("must not be empty");
                });
    }

    @Test
    void wrongShapesAreNamed() {
        assertThatThrownBy(() -> UsersFile.parse("users:\n  - name: a\n    certificate: true\n    roles: admin\n",
                "u.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.key()).isEqualTo("users[0].roles");
                    assertThat(e.problem()).contains("expected a list of roles");
                });
        assertThatThrownBy(() -> UsersFile.parse("users:\n  - name: a\n    certificate: sure\n", "u.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.key()).isEqualTo("users[0].certificate");
                });
        assertThatThrownBy(() -> UsersFile.parse("users:\n  name: a\n", "u.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("users");
                    assertThat(e.problem()).contains("expected a list of users");
                });
        assertThatThrownBy(() -> UsersFile.parse("users:\n  - name: a\n    certificate: true\n    roles: [[x]]\n",
                "u.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> assertThat(e.key()).isEqualTo("users[0].roles[0]"));
    }

    @Test
    void invalidYamlIsReportedWithItsLine() {
        assertThatThrownBy(() -> UsersFile.parse("users:\n  - name: a\n    roles: [x\n  - name: b\n", "u.yaml"))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> {
                    assertThat(e.line()).isGreaterThan(0);
                    assertThat(e.problem()).startsWith("not valid YAML");
                });
    }

    @Test
    void aMissingFileCannotBeLoaded() {
        assertThatThrownBy(() -> UsersFile.load(dir.resolve("absent.yaml")))
                .isInstanceOfSatisfying(AuthConfigException.class, e -> assertThat(e.problem()).contains("cannot read"));
    }

    // ------------------------------------------------------------------ user add

    @Test
    void addingAUserCreatesTheFileOwnerOnly() throws Exception {
        Path file = dir.resolve("config/users.yaml");

        boolean replaced = UsersFile.addOrReplaceUser(file, "plc-line1", "pw1".toCharArray(), Set.of("plc"), FAST);

        assertThat(replaced).isFalse();
        UsersFile users = UsersFile.load(file);
        assertThat(users.size()).isEqualTo(1);
        UsersFile.User user = users.user("plc-line1").orElseThrow();
        assertThat(user.roles()).containsExactly("plc");
        assertThat(PasswordHasher.verify("pw1".toCharArray(), user.passwordHash())).isTrue();
        assertThat(Files.readString(file)).doesNotContain("pw1");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertNoTemporaryFiles(file.getParent());
    }

    @Test
    void replacingAUserKeepsTheOthersAndItsCertificateFlag() throws Exception {
        Path file = dir.resolve("users.yaml");
        Files.writeString(file, """
                # old comment
                users:
                  - name: a
                    password: "%s"
                    roles: [r1, r2]
                  - name: gw
                    certificate: true
                    roles: [gateway]
                  - name: c
                    password: "%s"
                    certificate: true
                """.formatted(HASH, HASH));

        boolean replaced = UsersFile.addOrReplaceUser(file, "c", "new".toCharArray(), Set.of("ops"), FAST);
        boolean added = !UsersFile.addOrReplaceUser(file, "d", "pw-d".toCharArray(), Set.of(), FAST);

        assertThat(replaced).isTrue();
        assertThat(added).isTrue();
        UsersFile users = UsersFile.load(file);
        assertThat(users.users()).extracting(UsersFile.User::name).containsExactly("a", "gw", "c", "d");
        assertThat(users.user("a").orElseThrow().passwordHash()).isEqualTo(HASH);
        assertThat(users.user("a").orElseThrow().roles()).containsExactly("r1", "r2");
        assertThat(users.user("gw").orElseThrow().passwordHash()).isNull();
        assertThat(users.user("gw").orElseThrow().certificate()).isTrue();
        UsersFile.User c = users.user("c").orElseThrow();
        assertThat(c.certificate()).isTrue();
        assertThat(c.roles()).containsExactly("ops");
        assertThat(PasswordHasher.verify("new".toCharArray(), c.passwordHash())).isTrue();
        assertThat(PasswordHasher.verify("pw-d".toCharArray(), users.user("d").orElseThrow().passwordHash())).isTrue();
        assertNoTemporaryFiles(dir);
    }

    @Test
    void namesThatLookLikeYamlSurviveTheRewrite() throws Exception {
        Path file = dir.resolve("users.yaml");
        String odd = "we\"ird: name #1 [x] \\ \u00e9";

        UsersFile.addOrReplaceUser(file, odd, "pw".toCharArray(), Set.of("- role", "yes"), FAST);
        UsersFile.addOrReplaceUser(file, "true", "pw".toCharArray(), Set.of(), FAST);

        UsersFile users = UsersFile.load(file);
        assertThat(users.user(odd).orElseThrow().roles()).containsExactlyInAnyOrder("- role", "yes");
        assertThat(users.user("true")).isPresent();
    }

    @Test
    void aBrokenFileIsLeftAloneByUserAdd() throws Exception {
        Path file = dir.resolve("users.yaml");
        String broken = "users:\n  - name: a\n    password: plain\n";
        Files.writeString(file, broken);

        assertThatThrownBy(() -> UsersFile.addOrReplaceUser(file, "b", "pw".toCharArray(), Set.of(), FAST))
                .isInstanceOf(AuthConfigException.class)
                .hasMessageContaining("users[0].password");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(broken);
    }

    @Test
    void userAddRefusesUnusableNamesAndEmptyPasswords() {
        Path file = dir.resolve("users.yaml");
        assertThatThrownBy(() -> UsersFile.addOrReplaceUser(file, " ", "pw".toCharArray(), Set.of(), FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name");
        assertThatThrownBy(() -> UsersFile.addOrReplaceUser(file, "a\nb", "pw".toCharArray(), Set.of(), FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control characters");
        assertThatThrownBy(() -> UsersFile.addOrReplaceUser(file, "a", new char[0], Set.of(), FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> UsersFile.addOrReplaceUser(file, "a", "pw".toCharArray(), Set.of(""), FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role");
        assertThat(file).doesNotExist();
    }

    @Test
    void theDefaultUserAddUsesTheDefaultIterations() throws Exception {
        Path file = dir.resolve("users.yaml");
        UsersFile.addOrReplaceUser(file, "a", "pw".toCharArray(), Set.of());

        assertThat(UsersFile.load(file).user("a").orElseThrow().passwordHash()).startsWith("pbkdf2-sha256$210000$");
    }

    private static void assertNoTemporaryFiles(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }
}
