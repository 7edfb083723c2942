package io.unshub.sparkplug.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Architecture rule: generated protobuf classes never leave io.unshub.sparkplug.codec (docs/architecture.md). */
class GeneratedClassesStayInTheCodecTest {

    @Test
    void onlyTheCodecImportsGeneratedProtobufClasses() throws IOException {
        Path sources = Path.of("src/main/java/io/unshub/sparkplug");
        Path codec = sources.resolve("codec");
        try (Stream<Path> files = Files.walk(sources)) {
            List<Path> offenders = files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(codec))
                    .filter(GeneratedClassesStayInTheCodecTest::mentionsGeneratedCode).toList();
            assertThat(offenders).as("files outside the codec using generated protobuf classes").isEmpty();
        }
    }

    @Test
    void theCodecsPublicApiDoesNotExposeGeneratedClasses() {
        for (Class<?> type : List.of(SparkplugDecoder.class, SparkplugEncoder.class, SparkplugCommands.class,
                ValueInterpreter.class, ValueCoercion.class, StatePayload.class)) {
            for (var method : type.getMethods()) {
                assertThat(method.getReturnType().getName()).as(method.toString()).doesNotContain("schemas");
                for (Class<?> parameter : method.getParameterTypes()) {
                    assertThat(parameter.getName()).as(method.toString()).doesNotContain("schemas");
                }
            }
        }
    }

    private static boolean mentionsGeneratedCode(Path file) {
        try {
            String text = Files.readString(file);
            return text.contains("io.unshub.schemas") || text.contains("com.google.protobuf");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
