package io.unshub.namespace;

import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.check.Rule;
import io.unshub.namespace.check.Verdict;
import io.unshub.namespace.load.ModelException;
import io.unshub.namespace.load.ModelLoader;
import io.unshub.namespace.model.NamespaceModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Model fixtures for the tests, and the one way the tests check a topic (classify and explain must agree). */
public final class TestModels {

    /** The ecosystem.md 1.7 example model (root v1, closed tree, payload contracts). */
    public static final String ACME = "acme-plant1.yaml";
    /** Levels only, root umh/v1, optional trailing levels. */
    public static final String OPEN = "open-isa95.yaml";

    private TestModels() {
    }

    public static String text(String resource) {
        try (InputStream in = TestModels.class.getResourceAsStream("/models/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test model " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static NamespaceModel model(String resource) {
        try {
            return ModelLoader.parse(text(resource), resource);
        } catch (ModelException e) {
            throw new AssertionError("test model " + resource + " does not load: " + e.getMessage(), e);
        }
    }

    public static CompiledNamespace compiled(String resource) {
        return CompiledNamespace.compile(model(resource));
    }

    /** Compiles model text written in a test. */
    public static CompiledNamespace compileText(String yaml) {
        try {
            return CompiledNamespace.compile(ModelLoader.parse(yaml, "inline.yaml"));
        } catch (ModelException e) {
            throw new AssertionError("inline model does not load: " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code topic} both ways and asserts that {@link CompiledNamespace#classify} and
     * {@link CompiledNamespace#explain} agree: accepted iff classify &gt;= 0 (same class), reserved iff
     * classify == RESERVED, otherwise the same rule and a reason starting with the rule's id.
     */
    public static Verdict verdict(CompiledNamespace ns, String topic) {
        int classification = ns.classify(topic);
        Verdict verdict = ns.explain(topic);
        if (classification >= 0) {
            assertThat(verdict.kind()).as("explain(%s)", topic).isEqualTo(Verdict.Kind.ACCEPTED);
            assertThat(verdict.className()).isEqualTo(ns.className(classification));
        } else if (classification == CompiledNamespace.RESERVED) {
            assertThat(verdict).as("explain(%s)", topic).isEqualTo(Verdict.RESERVED);
            assertThat(ns.isReserved(topic)).isTrue();
        } else {
            Rule rule = CompiledNamespace.ruleOf(classification);
            assertThat(verdict.kind()).as("explain(%s)", topic).isEqualTo(Verdict.Kind.REJECTED);
            assertThat(verdict.rule()).as("rule of %s", topic).isEqualTo(rule);
            assertThat(verdict.reason()).startsWith(rule.id() + " ");
            assertThat(verdict.isRejected()).isTrue();
        }
        return verdict;
    }
}
