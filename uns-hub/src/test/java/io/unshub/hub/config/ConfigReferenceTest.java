package io.unshub.hub.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration table is the one place an operator looks: every key of every
 * {@code @ConfigMapping} interface in this package (UnsConfig today; the Sparkplug, OPC UA and historian
 * mappings when they arrive) must have a row with its environment variable and, where it has one, its
 * default.
 */
class ConfigReferenceTest {

    /** key -> default (null for keys without one). */
    static Map<String, String> mappedKeys() throws IOException, URISyntaxException {
        Path dir = Path.of(UnsConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(UnsConfig.class.getPackageName().replace('.', '/'));
        Map<String, String> keys = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".class") || name.contains("$")) {
                    continue;
                }
                Class<?> type = loadClass(UnsConfig.class.getPackageName() + "." + name.replace(".class", ""));
                ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
                if (mapping != null) {
                    collect(type, mapping.prefix(), keys);
                }
            }
        }
        return keys;
    }

    private static Class<?> loadClass(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collect(Class<?> type, String prefix, Map<String, String> keys) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getParameterCount() > 0 || method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName named = method.getAnnotation(WithName.class);
            String key = prefix + "." + (named != null ? named.value() : kebab(method.getName()));
            Class<?> returned = method.getReturnType();
            if (returned.isInterface() && returned.getEnclosingClass() != null
                    && !returned.getPackageName().startsWith("java.")) {
                collect(returned, key, keys);
            } else {
                WithDefault value = method.getAnnotation(WithDefault.class);
                keys.put(key, value == null ? null : value.value());
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    static String env(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The README's table rows: first column -> the whole row. */
    static Map<String, String> readmeRows() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("../README.md"))) {
            if (line.startsWith("| `uns.") || line.startsWith("| `quarkus.")) {
                String key = line.substring(3, line.indexOf('`', 3));
                rows.putIfAbsent(key, line);
            }
        }
        return rows;
    }

    @Test
    void everyKeyHasAReadmeRowWithItsEnvironmentVariableAndDefault() throws Exception {
        Map<String, String> keys = mappedKeys();
        assertThat(keys).containsKeys("uns.mqtt.port", "uns.demo", "uns.log-json", "uns.auth.jwt.issuer");
        Map<String, String> rows = readmeRows();
        List<String> problems = new ArrayList<>();
        keys.forEach((key, value) -> {
            String row = rows.get(key);
            if (row == null) {
                problems.add(key + ": no row in the README's configuration table");
                return;
            }
            String[] cells = row.split("\\|");
            if (cells.length < 5 || !cells[2].contains("`" + env(key) + "`")) {
                problems.add(key + ": the row does not name `" + env(key) + "` in its environment column");
            } else if (value != null && !cells[3].replace("`", "").contains(value)) {
                problems.add(key + ": the row's default is not '" + value + "'");
            }
        });
        assertThat(problems).as("README configuration table").isEmpty();
    }
}
