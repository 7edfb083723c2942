package io.unshub.hub.cli;

import io.unshub.broker.security.AuthResult;
import io.unshub.broker.security.AuthSettings;
import io.unshub.broker.security.Credentials;
import io.unshub.broker.security.HubAuthenticator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code user add} writes a users file the authenticator accepts, and refuses bad usage. */
class UserCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private UserCommand command(String stdin, Path file) {
        return new UserCommand(null, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                file);
    }

    @Test
    void addsAUserTheAuthenticatorThenLetsIn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.yaml");
        assertThat(command("s3cret-pw\n", file).run("add", "plc-line1", "--roles", "plc,line1")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("plc-line1").contains(file.toString());
        assertThat(Files.readString(file)).doesNotContain("s3cret-pw").contains("pbkdf2-sha256$");

        try (HubAuthenticator authenticator = new HubAuthenticator(AuthSettings.DEFAULT
                .withAnonymous(AuthSettings.Anonymous.NONE).withUsersFile(file))) {
            AuthResult good = authenticator.authenticate(credentials("plc-line1", "s3cret-pw"))
                    .toCompletableFuture().get();
            assertThat(good).isInstanceOfSatisfying(AuthResult.Allowed.class, allowed -> {
                assertThat(allowed.username()).isEqualTo("plc-line1");
                assertThat(allowed.roles()).containsExactlyInAnyOrder("plc", "line1");
            });
            AuthResult bad = authenticator.authenticate(credentials("plc-line1", "guess")).toCompletableFuture().get();
            assertThat(bad).isInstanceOf(AuthResult.Refused.class);
        }
    }

    @Test
    void aPasswordResetKeepsTheRoles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.yaml");
        assertThat(command("first-pw\n", file).run("add", "mes", "--roles", "mes,reader")).isZero();
        assertThat(command("second-pw\n", file).run("add", "mes")).isZero();
        assertThat(io.unshub.broker.security.UsersFile.load(file).user("mes").orElseThrow().roles())
                .containsExactlyInAnyOrder("mes", "reader");
        assertThat(command("third-pw\n", file).run("add", "mes", "--roles", "writer")).isZero();
        assertThat(io.unshub.broker.security.UsersFile.load(file).user("mes").orElseThrow().roles())
                .containsExactly("writer");
    }

    @Test
    void badUsageChangesNothing(@TempDir Path dir) {
        Path file = dir.resolve("users.yaml");
        assertThat(command("", file).run("remove", "x")).isEqualTo(2);
        assertThat(command("", file).run("add")).isEqualTo(2);
        assertThat(command("", file).run("add", "x", "--bogus")).isEqualTo(2);
        assertThat(command("", file).run("add", "x")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: user add");
        assertThat(file).doesNotExist();
    }

    @Test
    void theFileFollowsTheHubsSettings() {
        Properties properties = new Properties();
        assertThat(UserCommand.defaultUsersFile(properties, Map.of())).isEqualTo(Path.of("config", "users.yaml"));
        assertThat(UserCommand.defaultUsersFile(properties, Map.of("UNS_CONFIG_DIR", "/config")))
                .isEqualTo(Path.of("/config", "users.yaml"));
        properties.setProperty("uns.auth.users-file", "/etc/uns/users.yaml");
        assertThat(UserCommand.defaultUsersFile(properties, Map.of("UNS_CONFIG_DIR", "/config")))
                .isEqualTo(Path.of("/etc/uns/users.yaml"));
    }

    private static Credentials credentials(String user, String password) throws Exception {
        return new Credentials("c1", user, password.getBytes(StandardCharsets.UTF_8),
                InetAddress.getByName("192.0.2.7"), List.of(), 5);
    }
}
