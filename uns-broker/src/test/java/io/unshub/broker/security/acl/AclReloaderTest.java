package io.unshub.broker.security.acl;

import io.unshub.core.config.ConfigFileReloader;
import io.unshub.core.message.Origin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Loading acl.yaml at start-up and after edits; broken edits and deletions keep the rules in force. */
class AclReloaderTest {

    private static final String DENY_ALL = "default: deny\n";
    private static final String ALLOW_A = """
            default: deny
            rules:
              - allow: [publish]
                topics: ["a/#"]
            """;

    @TempDir
    Path dir;
    private final AclGuard guard = new AclGuard();
    private AclReloader reloader;
    private Instant mtime = Instant.parse("2024-01-01T00:00:00Z");

    @AfterEach
    void close() {
        if (reloader != null) {
            reloader.close();
        }
    }

    /** Writes the file with a later modification time each time, so an edit is seen whatever the clock's granularity. */
    private void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        mtime = mtime.plusSeconds(1);
        Files.setLastModifiedTime(file, FileTime.from(mtime));
    }

    private boolean allowsPublish(String topic) {
        return guard.rules().publish(Origin.client("c"), topic).allowed();
    }

    @Test
    @DisplayName("no file: everything is allowed; a file that appears later is loaded")
    void noFileThenFile() throws Exception {
        Path file = dir.resolve("acl.yaml");
        reloader = new AclReloader(file, guard);
        assertThat(reloader.loadInitial().restricts()).isFalse();
        assertThat(reloader.reloadIfChanged()).isFalse();

        write(file, ALLOW_A);
        assertThat(reloader.reloadIfChanged()).isTrue();
        assertThat(allowsPublish("a/1")).isTrue();
        assertThat(allowsPublish("b/1")).isFalse();
        assertThat(reloader.status().reloads()).isEqualTo(1);
        assertThat(reloader.status().value()).isSameAs(guard.rules());
    }

    @Test
    @DisplayName("a broken file at start-up fails loading and installs nothing")
    void brokenAtStart() throws Exception {
        Path file = dir.resolve("acl.yaml");
        write(file, "default: nope\n");
        reloader = new AclReloader(file, guard);
        assertThatThrownBy(reloader::loadInitial).isInstanceOf(AclException.class)
                .hasMessage(file + ":1: default: must be allow or deny, was 'nope'");
        assertThat(guard.rules().restricts()).isFalse();
    }

    @Test
    @DisplayName("an edit is installed; a broken edit keeps the rules and reports the error; fixing it clears the error")
    void editBrokenFixed() throws Exception {
        Path file = dir.resolve("acl.yaml");
        write(file, DENY_ALL);
        reloader = new AclReloader(file, guard);
        List<ConfigFileReloader.Status<AclRules>> seen = new CopyOnWriteArrayList<>();
        reloader.onStatus(seen::add);
        reloader.loadInitial();
        assertThat(allowsPublish("a/1")).isFalse();
        assertThat(reloader.reloadIfChanged()).as("unchanged").isFalse();

        write(file, ALLOW_A);
        assertThat(reloader.reloadIfChanged()).isTrue();
        assertThat(allowsPublish("a/1")).isTrue();
        AclRules good = guard.rules();

        write(file, ALLOW_A + "    bogus: 1\n");
        assertThat(reloader.reloadIfChanged()).isFalse();
        assertThat(guard.rules()).isSameAs(good);
        assertThat(reloader.status().lastError()).isEqualTo(file + ":5: rules[0].bogus: unknown key 'bogus' "
                + "(allowed here: allow, clients, components, deny, roles, topics, users)");
        assertThat(reloader.status().lastErrorAt()).isNotNull();
        assertThat(reloader.status().reloads()).isEqualTo(1);

        write(file, DENY_ALL);
        assertThat(reloader.reloadIfChanged()).isTrue();
        assertThat(reloader.status().lastError()).isNull();
        assertThat(reloader.status().reloads()).isEqualTo(2);
        assertThat(allowsPublish("a/1")).isFalse();
        assertThat(seen).hasSize(3);
    }

    @Test
    @DisplayName("a deleted file keeps the rules in force")
    void deleted() throws Exception {
        Path file = dir.resolve("acl.yaml");
        write(file, ALLOW_A);
        reloader = new AclReloader(file, guard);
        AclRules loaded = reloader.loadInitial();
        Files.delete(file);
        assertThat(reloader.reloadIfChanged()).isFalse();
        assertThat(guard.rules()).isSameAs(loaded);
        assertThat(reloader.status().lastError()).contains("was removed");
    }

    @Test
    @DisplayName("the poller picks up an edit on its own")
    void polling() throws Exception {
        Path file = dir.resolve("acl.yaml");
        write(file, DENY_ALL);
        reloader = new AclReloader(file, guard);
        reloader.loadInitial();
        reloader.start(Duration.ofMillis(20));
        write(file, ALLOW_A);
        await().atMost(Duration.ofSeconds(5)).until(() -> reloader.status().reloads() == 1);
        assertThat(allowsPublish("a/1")).isTrue();
    }
}
