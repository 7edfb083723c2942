package io.unshub.namespace.load;

import io.unshub.core.config.ConfigFileReloader;
import io.unshub.namespace.check.CompiledNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Loading the model file at start-up and reloading it when it changes, with a real file in a temp dir. */
class ModelReloaderTest {

    @TempDir
    Path dir;

    final List<CompiledNamespace> installed = new CopyOnWriteArrayList<>();
    ModelReloader reloader;
    /** Every write gets its own modification time, so a change is seen whatever the file system's clock grain. */
    long mtime = 1_700_000_000_000L;

    @AfterEach
    void closeReloader() {
        if (reloader != null) {
            reloader.close();
        }
    }

    static String model(String revision, String enterprises) {
        return """
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                metadata: { name: plant, revision: "%s" }
                spec:
                  levels:
                    - { name: enterprise, required: true, values: [%s] }
                  classes:
                    _edge: {}
                """.formatted(revision, enterprises);
    }

    void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        mtime += 10_000;
        Files.setLastModifiedTime(file, FileTime.fromMillis(mtime));
    }

    List<String> revisions() {
        return installed.stream().map(ns -> ns.model().revision()).toList();
    }

    @Test
    void missingFileMeansTheBuiltInModel() throws Exception {
        Path file = dir.resolve("namespace.yaml");
        reloader = new ModelReloader(file, installed::add);

        CompiledNamespace first = reloader.loadInitial();

        assertThat(first.model().source()).isEqualTo(ModelLoader.BUILT_IN);
        assertThat(revisions()).containsExactly("built-in-1");
        assertThat(reloader.file()).isEqualTo(file);
        ConfigFileReloader.Status<CompiledNamespace> status = reloader.status();
        assertThat(status.value()).isSameAs(first);
        assertThat(status.lastError()).isNull();
        assertThat(status.lastErrorAt()).isNull();
        assertThat(status.loadedAt()).isNotNull();
        assertThat(status.reloads()).isZero();
        assertThat(reloader.reloadIfChanged()).isFalse();

        // the file appears later: it is loaded
        write(file, model("1", "acme"));
        assertThat(reloader.reloadIfChanged()).isTrue();
        assertThat(revisions()).containsExactly("built-in-1", "1");
        assertThat(reloader.status().value().model().source()).isEqualTo(file.toString());
    }

    @Test
    void editsAreReloadedAndBrokenEditsKeepTheModel() throws Exception {
        Path file = dir.resolve("namespace.yaml");
        write(file, model("1", "acme"));
        reloader = new ModelReloader(file, installed::add);

        assertThat(reloader.loadInitial().model().revision()).isEqualTo("1");
        assertThat(revisions()).containsExactly("1");
        List<ConfigFileReloader.Status<CompiledNamespace>> statuses = new CopyOnWriteArrayList<>();
        reloader.onStatus(statuses::add);
        assertThat(reloader.reloadIfChanged()).as("unchanged").isFalse();

        // a good edit
        write(file, model("2", "acme, globex"));
        assertThat(reloader.reloadIfChanged()).isTrue();
        assertThat(revisions()).containsExactly("1", "2");
        assertThat(reloader.status().reloads()).isEqualTo(1);
        assertThat(reloader.status().value().classify("globex/_edge/x")).isNotNegative();
        assertThat(reloader.reloadIfChanged()).isFalse();

        // a broken edit: the model stays, the error names file and line
        write(file, model("3", "acme, Glo bex"));
        assertThat(reloader.reloadIfChanged()).isFalse();
        assertThat(revisions()).containsExactly("1", "2");
        ConfigFileReloader.Status<CompiledNamespace> broken = reloader.status();
        assertThat(broken.value().model().revision()).isEqualTo("2");
        assertThat(broken.lastError()).startsWith(file + ":6: spec.levels[0].values[1]: ")
                .contains("'Glo bex'");
        assertThat(broken.lastErrorAt()).isNotNull();
        assertThat(broken.reloads()).isEqualTo(1);
        assertThat(reloader.reloadIfChanged()).as("the same broken file is not retried").isFalse();

        // invalid YAML is reported with its line too
        write(file, model("3", "acme") + "  tagPath: [\n");
        assertThat(reloader.reloadIfChanged()).isFalse();
        assertThat(reloader.status().lastError()).startsWith(file + ":").contains("not valid YAML");

        // fixed again
        write(file, model("4", "acme"));
        assertThat(reloader.reloadIfChanged()).isTrue();
        assertThat(revisions()).containsExactly("1", "2", "4");
        assertThat(reloader.status().lastError()).isNull();
        assertThat(reloader.status().lastErrorAt()).isNull();
        assertThat(reloader.status().reloads()).isEqualTo(2);

        // deleted: the model stays
        Files.delete(file);
        assertThat(reloader.reloadIfChanged()).isFalse();
        assertThat(reloader.status().value().model().revision()).isEqualTo("4");
        assertThat(reloader.status().lastError()).contains(file.toString(), "removed", "keeping revision 4");
        assertThat(revisions()).containsExactly("1", "2", "4");

        // and back
        write(file, model("5", "acme"));
        assertThat(reloader.reloadIfChanged()).isTrue();
        assertThat(revisions()).containsExactly("1", "2", "4", "5");

        // the status listener heard every change of status, and only those
        assertThat(statuses).extracting(st -> st.value().model().revision())
                .containsExactly("2", "2", "2", "4", "4", "5");
        assertThat(statuses).extracting(st -> st.lastError() != null)
                .containsExactly(false, true, true, false, true, false);
        assertThat(statuses.get(statuses.size() - 1)).isSameAs(reloader.status());
    }

    @Test
    void sameSizeAndSameSecondIsStillSeenByItsModificationTime() throws Exception {
        Path file = dir.resolve("namespace.yaml");
        Files.writeString(file, model("a", "acme"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L));
        reloader = new ModelReloader(file, installed::add);
        reloader.loadInitial();

        Files.writeString(file, model("b", "acme"));              // same length
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_001_000L));
        assertThat(reloader.reloadIfChanged()).isTrue();
        assertThat(revisions()).containsExactly("a", "b");
    }

    @Test
    void brokenFileAtStartUpFailsTheStart() throws Exception {
        Path file = dir.resolve("namespace.yaml");
        write(file, model("1", "Not Valid"));
        reloader = new ModelReloader(file, installed::add);

        assertThatThrownBy(reloader::loadInitial).isInstanceOf(ModelException.class)
                .satisfies(e -> {
                    ModelException m = (ModelException) e;
                    assertThat(m.file()).isEqualTo(file.toString());
                    assertThat(m.line()).isEqualTo(6);
                    assertThat(m.key()).isEqualTo("spec.levels[0].values[0]");
                });
        assertThat(installed).isEmpty();
    }

    @Test
    void pollingPicksUpChanges() throws Exception {
        Path file = dir.resolve("namespace.yaml");
        write(file, model("1", "acme"));
        reloader = new ModelReloader(file, installed::add);
        reloader.loadInitial();
        reloader.start(Duration.ofMillis(50));
        reloader.start(Duration.ofMillis(50)); // a second start is ignored

        // replace the file the way config tooling does: write aside, then move over it
        Path next = dir.resolve("namespace.yaml.tmp");
        Files.writeString(next, model("2", "acme, globex"));
        Files.setLastModifiedTime(next, FileTime.fromMillis(mtime += 10_000));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(Duration.ofSeconds(10)).until(() -> revisions().contains("2"));
        assertThat(revisions()).containsExactly("1", "2");
        assertThat(reloader.status().value().model().revision()).isEqualTo("2");

        // a broken edit is noticed by the poller too, and the model stays
        Files.writeString(next, model("3", "Bad Name"));
        Files.setLastModifiedTime(next, FileTime.fromMillis(mtime += 10_000));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(10)).until(() -> reloader.status().lastError() != null);
        assertThat(reloader.status().lastError()).startsWith(file + ":6:");
        assertThat(reloader.status().value().model().revision()).isEqualTo("2");

        reloader.close();
        reloader.close(); // closing twice is harmless
    }
}
