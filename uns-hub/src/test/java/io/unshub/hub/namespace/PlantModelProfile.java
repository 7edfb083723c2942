package io.unshub.hub.namespace;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the hub with a realistic plant model written to a file the test may edit: enterprise acme, two
 * sites of 5 areas x 10 lines x 10 cells (1,000 cells), polled for changes every 100 ms.
 */
public class PlantModelProfile implements QuarkusTestProfile {

    static final Path MODEL = Path.of("target", "test-namespace", "namespace.yaml").toAbsolutePath();

    static String model(String revision, String extraSite) {
        StringBuilder tree = new StringBuilder();
        tree.append("  tree:\n    acme:\n");
        for (String site : new String[] {"site1", "site2", extraSite}) {
            if (site == null) {
                continue;
            }
            tree.append("      ").append(site).append(":\n");
            for (int a = 1; a <= 5; a++) {
                tree.append("        area").append(a).append(":\n");
                for (int l = 1; l <= 10; l++) {
                    tree.append("          line").append(l).append(": [cell1, cell2, cell3, cell4, cell5, cell6, cell7, cell8, cell9, cell10]\n");
                }
            }
        }
        return """
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                metadata:
                  name: acme plant test
                  revision: "%s"
                spec:
                  segment:
                    pattern: "^[a-z0-9][a-z0-9_-]{0,62}$"
                  levels:
                    - { name: enterprise, required: true }
                    - { name: site, required: true }
                    - { name: area, required: true }
                    - { name: line }
                    - { name: cell }
                %s  classes:
                    _edge: { payload: uns-value }
                    _raw: { payload: any, historize: false }
                  tagPath: { minDepth: 1, maxDepth: 4 }
                """.formatted(revision, tree);
    }

    static void write(String text) {
        try {
            Files.createDirectories(MODEL.getParent());
            Path temp = MODEL.resolveSibling("namespace.yaml.tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, MODEL, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        write(model("1", null));
        return Map.of("uns.namespace.file", MODEL.toString(), "uns.namespace.reload-interval", "100ms");
    }
}
