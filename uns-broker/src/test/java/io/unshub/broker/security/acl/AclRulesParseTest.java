package io.unshub.broker.security.acl;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Reading acl.yaml: what a good file compiles to, and how a broken one is reported (file, line, key). */
class AclRulesParseTest {

    private static final String FILE = "config/acl.yaml";

    private static AclException error(String yaml) {
        return catchThrowableOfType(AclException.class, () -> AclRules.parse(yaml, FILE));
    }

    @Test
    @DisplayName("the example of the documentation compiles, in file order, with its default")
    void documentedExample() throws AclException {
        AclRules rules = AclRules.parse("""
                default: deny
                rules:
                  - allow: [publish, subscribe]
                    users: [plc-line1]
                    roles: [mes]
                    clients: [sensor-01]
                    topics: ["acme/dallas/press/line1/#", "users/%u/#", "devices/%c/#"]
                  - deny: [publish]
                    components: [opcua-bridge]
                    topics: ["acme/+/+/_cmd/#"]
                """, FILE);
        assertThat(rules.size()).isEqualTo(2);
        assertThat(rules.restricts()).isTrue();
        assertThat(rules.defaultAllows()).isFalse();
        assertThat(rules.source()).isEqualTo(FILE);
        assertThat(rules.rules()).extracting(AclRule::line).containsExactly(3, 8);
        assertThat(rules.rules()).extracting(AclRule::allows).containsExactly(true, false);
        assertThat(rules.rules().get(0).verdict().decidedBy()).isEqualTo("acl.yaml:3");
    }

    @Test
    @DisplayName("default is deny when left out, allow when written; rules may be absent; single words stand for lists")
    void defaultsAndShorthands() throws AclException {
        assertThat(AclRules.parse("rules: []", FILE).defaultAllows()).isFalse();
        assertThat(AclRules.parse("default: allow", FILE).defaultAllows()).isTrue();
        AclRules rules = AclRules.parse("""
                rules:
                  - deny: publish
                    users: alice
                    topics: a/#
                """, FILE);
        assertThat(rules.size()).isEqualTo(1);
        assertThat(rules.rules().get(0).covers(AclAction.PUBLISH)).isTrue();
        assertThat(rules.rules().get(0).covers(AclAction.SUBSCRIBE)).isFalse();
    }

    @Test
    @DisplayName("no file at all allows everything")
    void allowAll() {
        assertThat(AclRules.allowAll().restricts()).isFalse();
        assertThat(AclRules.allowAll().defaultAllows()).isTrue();
        assertThat(AclRules.allowAll().size()).isZero();
    }

    @Test
    @DisplayName("an unknown top-level key names its line and the allowed keys")
    void unknownTopLevelKey() {
        AclException e = error("""
                default: deny
                rulez: []
                """);
        assertThat(e.getMessage()).isEqualTo("config/acl.yaml:2: rulez: unknown key 'rulez' (allowed here: default, rules)");
    }

    @Test
    @DisplayName("an unknown rule key names the rule's index and the key's own line")
    void unknownRuleKey() {
        AclException e = error("""
                rules:
                  - allow: [publish]
                    users: [a]
                    topics: [x]
                  - deny: [subscribe]
                    user: [b]
                    topics: [y]
                """);
        assertThat(e.file()).isEqualTo(FILE);
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).isEqualTo("rules[1].user");
        assertThat(e.problem()).startsWith("unknown key 'user' (allowed here: allow, clients, components, deny, roles, topics, users)");
    }

    @Test
    @DisplayName("a bad filter is reported at its item with the syntax problem")
    void badFilter() {
        AclException e = error("""
                rules:
                  - allow: [publish]
                    topics:
                      - good/#
                      - "bad/#/more"
                """);
        assertThat(e.getMessage()).isEqualTo("config/acl.yaml:5: rules[0].topics[1]: bad filter 'bad/#/more': "
                + "'#' must be the last character and alone in its level");
    }

    @Test
    @DisplayName("placeholders must sit in a well-formed filter, and $share/ does not belong in a rule")
    void badTemplatesAndShared() {
        assertThat(error("rules: [{allow: [publish], topics: [\"users/%u+/x\"]}]").problem())
                .contains("'+' must occupy a whole level");
        assertThat(error("rules: [{allow: [subscribe], topics: [\"$share/g/a/#\"]}]").problem())
                .contains("'$share/' does not belong in a rule");
    }

    @Test
    @DisplayName("a rule naming components cannot cover subscribe: components never send SUBSCRIBE")
    void componentsOnlyPublish() {
        AclException e = error("""
                rules:
                  - deny: [publish, subscribe]
                    components: [opcua-bridge]
                    topics: [a]
                """);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).isEqualTo("rules[0].components");
        assertThat(e.problem()).contains("only cover publish");
    }

    @Test
    @DisplayName("a rule with both allow and deny is refused at the second key")
    void bothAllowAndDeny() {
        AclException e = error("""
                rules:
                  - allow: [publish]
                    deny: [subscribe]
                    topics: [a]
                """);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).isEqualTo("rules[0].deny");
        assertThat(e.problem()).contains("either allows or denies");
    }

    @Test
    @DisplayName("a rule with neither allow nor deny, or without topics, is refused at the rule")
    void missingKeys() {
        AclException neither = error("""
                rules:
                  - users: [a]
                    topics: [a]
                """);
        assertThat(neither.line()).isEqualTo(2);
        assertThat(neither.key()).isEqualTo("rules[0]");
        AclException noTopics = error("""
                rules:
                  - allow: [publish]
                """);
        assertThat(noTopics.key()).isEqualTo("rules[0]");
        assertThat(noTopics.problem()).contains("topics");
    }

    @Test
    @DisplayName("an unknown action names its item")
    void unknownAction() {
        AclException e = error("""
                rules:
                  - allow:
                      - publish
                      - read
                    topics: [a]
                """);
        assertThat(e.getMessage()).isEqualTo("config/acl.yaml:4: rules[0].allow[1]: unknown action 'read' (allowed: publish, subscribe)");
    }

    @Test
    @DisplayName("empty who lists, empty action lists and empty topic lists are errors, not wildcards")
    void emptyLists() {
        AclException emptyUsers = error("""
                rules:
                  - allow: [publish]
                    users: []
                    topics: [a]
                """);
        assertThat(emptyUsers.line()).isEqualTo(3);
        assertThat(emptyUsers.key()).isEqualTo("rules[0].users");
        assertThat(emptyUsers.problem()).contains("empty");

        AclException nullRoles = error("""
                rules:
                  - allow: [publish]
                    roles:
                    topics: [a]
                """);
        assertThat(nullRoles.line()).isEqualTo(3);
        assertThat(nullRoles.key()).isEqualTo("rules[0].roles");

        assertThat(error("rules: [{deny: [], topics: [a]}]").key()).isEqualTo("rules[0].deny");
        assertThat(error("rules: [{deny: [publish], topics: []}]").key()).isEqualTo("rules[0].topics");
        assertThat(error("rules: [{deny: [publish], components: [\"\"], topics: [a]}]").key())
                .isEqualTo("rules[0].components[0]");
    }

    @Test
    @DisplayName("default must be allow or deny")
    void badDefault() {
        assertThat(error("default: maybe").getMessage())
                .isEqualTo("config/acl.yaml:1: default: must be allow or deny, was 'maybe'");
    }

    @Test
    @DisplayName("broken YAML, an empty file, the wrong shapes and duplicate keys are errors with a line")
    void shapes() {
        assertThat(error("").problem()).isEqualTo("the file is empty");
        assertThat(error("rules: [a, b").problem()).startsWith("not valid YAML").doesNotContain("quote");
        AclException hash = error("rules:\n  - allow: [subscribe]\n    topics: [a/#, #]\n");
        assertThat(hash.problem()).startsWith("not valid YAML").endsWith("quote such filters: [\"#\"])");
        assertThat(error("- a\n- b").problem()).startsWith("expected a mapping");
        assertThat(error("rules: {a: b}").problem()).startsWith("expected a list");
        assertThat(error("rules:\n  - publish").key()).isEqualTo("rules[0]");
        AclException duplicate = error("default: deny\ndefault: allow\n");
        assertThat(duplicate.line()).isEqualTo(2);
        assertThat(duplicate.problem()).contains("duplicate");
    }

    @Test
    @DisplayName("load names the file path in errors; a missing file cannot be loaded")
    void loadFromFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("acl.yaml");
        Files.writeString(file, "default: allow\nrules:\n  - deny: [publish]\n    topics: [\"a/#\"]\n    bogus: 1\n");
        AclException e = catchThrowableOfType(AclException.class, () -> AclRules.load(file));
        assertThat(e.file()).isEqualTo(file.toString());
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).isEqualTo("rules[0].bogus");
        assertThat(catchThrowableOfType(AclException.class, () -> AclRules.load(dir.resolve("none.yaml"))).problem())
                .startsWith("cannot read the file");
    }
}
