package io.unshub.hub.namespace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged hub refuses to start with a namespace model it cannot use, and says which file, line and
 * key are wrong, instead of running with a model nobody wrote.
 */
class BrokenModelStartupIT {

    @Test
    void aBrokenModelFileStopsStartUpNamingFileLineAndKey(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("namespace.yaml");
        Files.writeString(model, """
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  levels:
                    - { name: enterprise, required: true }
                    - { name: site, requried: true }
                  classes:
                    _edge: {}
                """, StandardCharsets.UTF_8);

        assertThat(startAndExpectFailure(model, dir))
                .contains("uns.namespace.file")
                .contains(model + ":6: spec.levels[1].requried: unknown key 'requried'");
    }

    @Test
    void aConfiguredModelFileThatDoesNotExistStopsStartUp(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("namspace.yaml");
        assertThat(startAndExpectFailure(missing, dir))
                .contains("uns.namespace.file")
                .contains(missing + " does not exist");
    }

    /** Starts the packaged hub with {@code model}, waits for it to give up, and returns what it printed. */
    private static String startAndExpectFailure(Path model, Path dir) throws Exception {
        Process hub = new ProcessBuilder(List.of(javaBinary(), "-Duns.namespace.file=" + model,
                "-Duns.mqtt.random-ports=true", "-Duns.mqtt.host=127.0.0.1", "-Dquarkus.http.port=0",
                "-Duns.data-dir=" + dir.resolve("data"), "-jar", System.getProperty("uns.hub.jar")))
                .redirectErrorStream(true).start();
        try {
            assertThat(hub.waitFor(60, TimeUnit.SECONDS)).as("the hub exits on its own").isTrue();
            String output = new String(hub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(hub.exitValue()).as(output).isNotZero();
            return output;
        } finally {
            hub.destroyForcibly();
        }
    }

    private static String javaBinary() throws IOException {
        return ProcessHandle.current().info().command().orElseThrow(() -> new IOException("no java binary"));
    }
}
