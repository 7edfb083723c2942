package io.unshub.broker.security.acl;

import io.unshub.core.message.Origin;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which rule decides a publish or a subscribe: principals, actions, filters, %u/%c, components and the default. */
class AclMatchingTest {

    private static AclRules rules(String yaml) {
        try {
            return AclRules.parse(yaml, "config/acl.yaml");
        } catch (AclException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static final Origin ALICE = Origin.client("alice-laptop", "alice", Set.of("mes", "ops"));
    private static final Origin BOB = Origin.client("bob-pc", "bob", Set.of());
    private static final Origin ANONYMOUS = Origin.client("sensor-01");
    private static final Origin BRIDGE = Origin.internal("opcua-bridge");
    private static final Origin SPARKPLUG = Origin.internal("sparkplug-host");

    @Nested
    class Publish {

        @Test
        @DisplayName("first match wins; the verdict names the rule's line")
        void firstMatchWins() {
            AclRules acl = rules("""
                    rules:
                      - deny: [publish]
                        topics: ["acme/secret/#"]
                      - allow: [publish]
                        topics: ["acme/#"]
                    """);
            Verdict denied = acl.publish(ALICE, "acme/secret/recipe");
            assertThat(denied.allowed()).isFalse();
            assertThat(denied.decidedBy()).isEqualTo("acl.yaml:2");
            assertThat(denied.rejection().reasonCode()).isEqualTo(0x87);
            assertThat(denied.rejection().reason()).isEqualTo("not authorized (acl.yaml:2)");
            assertThat(denied.rejection().disconnectMqtt3()).isFalse();
            assertThat(denied.rejection().disconnectMqtt5Qos0()).isFalse();
            Verdict allowed = acl.publish(ALICE, "acme/dallas/temp");
            assertThat(allowed.allowed()).isTrue();
            assertThat(allowed.decidedBy()).isEqualTo("acl.yaml:4");
        }

        @Test
        @DisplayName("no matching rule: the default (deny when left out, allow when written)")
        void defaultApplies() {
            String body = """
                    rules:
                      - allow: [publish]
                        topics: ["acme/#"]
                    """;
            Verdict denied = rules(body).publish(ALICE, "other/x");
            assertThat(denied.allowed()).isFalse();
            assertThat(denied.decidedBy()).isEqualTo("acl.yaml default");
            assertThat(denied.rejection().reason()).isEqualTo("not authorized (acl.yaml default)");
            assertThat(rules("default: allow\n" + body).publish(ALICE, "other/x").allowed()).isTrue();
        }

        @Test
        @DisplayName("a rule for users, roles or clients applies to any of them; others fall through")
        void principals() {
            AclRules acl = rules("""
                    rules:
                      - allow: [publish]
                        users: [bob]
                        roles: [mes]
                        clients: [sensor-01]
                        topics: ["a/#"]
                    """);
            assertThat(acl.publish(BOB, "a/1").allowed()).as("by user").isTrue();
            assertThat(acl.publish(ALICE, "a/1").allowed()).as("by role").isTrue();
            assertThat(acl.publish(ANONYMOUS, "a/1").allowed()).as("by client id").isTrue();
            assertThat(acl.publish(Origin.client("x", "carol", Set.of("guest")), "a/1").allowed()).isFalse();
            // user names and client ids are different namespaces: a client id 'bob' is not user bob
            assertThat(acl.publish(Origin.client("bob"), "a/1").allowed()).isFalse();
        }

        @Test
        @DisplayName("the action must be listed: a subscribe rule says nothing about publishing")
        void actionsAreSeparate() {
            AclRules acl = rules("""
                    default: allow
                    rules:
                      - deny: [subscribe]
                        topics: ["#"]
                    """);
            assertThat(acl.publish(ALICE, "a").allowed()).isTrue();
            assertThat(acl.subscribe(ALICE, "a").allowed()).isFalse();
        }

        @Test
        @DisplayName("wills carry the client's identity and are judged like its publishes")
        void wills() {
            AclRules acl = rules("""
                    rules:
                      - allow: [publish]
                        users: [alice]
                        topics: ["status/alice"]
                    """);
            assertThat(acl.publish(ALICE.asWill(), "status/alice").allowed()).isTrue();
            assertThat(acl.publish(BOB.asWill(), "status/alice").allowed()).isFalse();
        }

        @Test
        @DisplayName("%u is the user name: never matches anonymous clients, nor names holding + # /")
        void userPlaceholder() {
            AclRules acl = rules("""
                    rules:
                      - allow: [publish]
                        topics: ["users/%u/#", "inbox/%u"]
                    """);
            assertThat(acl.publish(ALICE, "users/alice/notes").allowed()).isTrue();
            assertThat(acl.publish(ALICE, "inbox/alice").allowed()).isTrue();
            assertThat(acl.publish(ALICE, "users/bob/notes").allowed()).isFalse();
            assertThat(acl.publish(ANONYMOUS, "users/sensor-01/x").allowed()).isFalse();
            for (String sneaky : new String[]{"#", "+", "a/b", "a+", "x#"}) {
                Origin origin = Origin.client("c", sneaky, Set.of());
                assertThat(acl.publish(origin, "users/" + sneaky + "/x").allowed()).as(sneaky).isFalse();
                assertThat(acl.publish(origin, "users/a/b/x").allowed()).as(sneaky).isFalse();
            }
            assertThat(acl.publish(Origin.client("c", "", Set.of()), "users//x").allowed()).as("empty name").isFalse();
        }

        @Test
        @DisplayName("%c is the client id, also inside a level; both placeholders in one filter")
        void clientPlaceholder() {
            AclRules acl = rules("""
                    rules:
                      - allow: [publish]
                        topics: ["devices/%c/#", "dev-%c/up", "by/%u/%c"]
                    """);
            assertThat(acl.publish(ANONYMOUS, "devices/sensor-01/temp").allowed()).isTrue();
            assertThat(acl.publish(ANONYMOUS, "devices/sensor-02/temp").allowed()).isFalse();
            assertThat(acl.publish(ANONYMOUS, "dev-sensor-01/up").allowed()).isTrue();
            assertThat(acl.publish(ALICE, "by/alice/alice-laptop").allowed()).isTrue();
            assertThat(acl.publish(ALICE, "by/alice/bob-pc").allowed()).isFalse();
            assertThat(acl.publish(Origin.client("a/b"), "devices/a/b/x").allowed()).isFalse();
        }

        @Test
        @DisplayName("a '%' that is not %u or %c is an ordinary character")
        void literalPercent() {
            AclRules acl = rules("""
                    rules:
                      - allow: [publish]
                        topics: ["load/100%/%x"]
                    """);
            assertThat(acl.publish(ALICE, "load/100%/%x").allowed()).isTrue();
        }

        @Test
        @DisplayName("'$' topics are only matched by rules that name them [MQTT-4.7.2-1]")
        void dollarTopics() {
            AclRules acl = rules("""
                    rules:
                      - allow: [publish]
                        topics: ["#"]
                    """);
            assertThat(acl.publish(ALICE, "$SYS/x").allowed()).isFalse();
            assertThat(acl.publish(ALICE, "a/x").allowed()).isTrue();
        }
    }

    @Nested
    class Components {

        private final AclRules acl = rules("""
                default: deny
                rules:
                  - deny: [publish]
                    components: [opcua-bridge]
                    topics: ["acme/+/+/_cmd/#"]
                  - allow: [publish]
                    topics: ["#"]
                """);

        @Test
        @DisplayName("a components rule judges the named in-process publisher")
        void namedComponentDenied() {
            Verdict verdict = acl.publish(BRIDGE, "acme/dallas/press/_cmd/start");
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.decidedBy()).isEqualTo("acl.yaml:3");
        }

        @Test
        @DisplayName("components no rule names, and topics no components rule matches, are allowed whatever the default")
        void otherwiseAllowed() {
            assertThat(acl.publish(BRIDGE, "acme/dallas/press/line1/speed").allowed()).isTrue();
            assertThat(acl.publish(SPARKPLUG, "acme/dallas/press/_cmd/start").allowed()).isTrue();
            assertThat(acl.publish(SPARKPLUG, "$SYS/anything").allowed()).isTrue();
        }

        @Test
        @DisplayName("rules without components do not judge components; components rules do not judge clients")
        void separateWorlds() {
            AclRules clientsOnly = rules("""
                    rules:
                      - deny: [publish]
                        topics: ["#"]
                    """);
            assertThat(clientsOnly.publish(BRIDGE, "a").allowed()).isTrue();
            assertThat(acl.publish(Origin.client("opcua-bridge"), "acme/d/p/_cmd/x").allowed())
                    .as("a network client whose id is a component's name is not that component").isTrue();
        }

        @Test
        @DisplayName("a rule may name components and clients at once")
        void mixed() {
            AclRules mixed = rules("""
                    default: allow
                    rules:
                      - deny: [publish]
                        components: [opcua-bridge]
                        users: [alice]
                        topics: ["plc/#"]
                    """);
            assertThat(mixed.publish(BRIDGE, "plc/1").allowed()).isFalse();
            assertThat(mixed.publish(ALICE, "plc/1").allowed()).isFalse();
            assertThat(mixed.publish(BOB, "plc/1").allowed()).isTrue();
        }
    }

    @Nested
    class Subscribe {

        @Test
        @DisplayName("an allow rule applies only when it covers the whole requested filter")
        void allowNeedsCover() {
            AclRules acl = rules("""
                    rules:
                      - allow: [subscribe]
                        topics: ["acme/dallas/#", "acme/+/status"]
                    """);
            assertThat(acl.subscribe(ALICE, "acme/dallas/#").allowed()).isTrue();
            assertThat(acl.subscribe(ALICE, "acme/dallas/press/+").allowed()).isTrue();
            assertThat(acl.subscribe(ALICE, "acme/dallas").allowed()).as("'#' includes the parent level").isTrue();
            assertThat(acl.subscribe(ALICE, "acme/+/status").allowed()).isTrue();
            assertThat(acl.subscribe(ALICE, "acme/monterrey/status").allowed()).isTrue();
            assertThat(acl.subscribe(ALICE, "acme/#").allowed()).as("wider than any rule filter").isFalse();
            assertThat(acl.subscribe(ALICE, "acme/+/+").allowed()).isFalse();
            assertThat(acl.subscribe(ALICE, "#").allowed()).isFalse();
        }

        @Test
        @DisplayName("a deny rule applies as soon as it overlaps: acme/# is refused when acme/secret/# is denied")
        void denyOnOverlap() {
            AclRules acl = rules("""
                    rules:
                      - deny: [subscribe]
                        topics: ["acme/secret/#"]
                      - allow: [subscribe]
                        topics: ["acme/#"]
                    """);
            assertThat(acl.subscribe(ALICE, "acme/#").decidedBy()).isEqualTo("acl.yaml:2");
            assertThat(acl.subscribe(ALICE, "#").allowed()).isFalse();
            assertThat(acl.subscribe(ALICE, "+/secret/x").allowed()).isFalse();
            assertThat(acl.subscribe(ALICE, "acme/+/x").allowed()).isFalse();
            assertThat(acl.subscribe(ALICE, "acme/dallas/#").allowed()).isTrue();
            assertThat(acl.subscribe(ALICE, "acme/secretive/#").allowed()).isTrue();
            assertThat(acl.subscribe(ALICE, "acme").allowed()).isTrue();
        }

        @Test
        @DisplayName("shared subscriptions are judged by the filter inside $share/<group>/")
        void shared() {
            AclRules acl = rules("""
                    rules:
                      - allow: [subscribe]
                        topics: ["jobs/#"]
                    """);
            assertThat(acl.subscribe(ALICE, "$share/workers/jobs/+").allowed()).isTrue();
            assertThat(acl.subscribe(ALICE, "$share/jobs/other/#").allowed()).isFalse();
        }

        @Test
        @DisplayName("%u and %c work for subscriptions too")
        void placeholders() {
            AclRules acl = rules("""
                    rules:
                      - allow: [subscribe]
                        topics: ["users/%u/#", "devices/%c/cmd"]
                    """);
            assertThat(acl.subscribe(ALICE, "users/alice/#").allowed()).isTrue();
            assertThat(acl.subscribe(ALICE, "users/+/#").allowed()).isFalse();
            assertThat(acl.subscribe(ANONYMOUS, "users/sensor-01/#").allowed()).isFalse();
            assertThat(acl.subscribe(ANONYMOUS, "devices/sensor-01/cmd").allowed()).isTrue();
        }

        @Test
        @DisplayName("'$' filters are not covered by wildcard rules, and wildcard requests do not overlap '$' denials")
        void dollar() {
            AclRules acl = rules("""
                    rules:
                      - deny: [subscribe]
                        topics: ["$SYS/#"]
                      - allow: [subscribe]
                        topics: ["#"]
                    """);
            assertThat(acl.subscribe(ALICE, "#").allowed()).as("'#' never delivers $SYS topics").isTrue();
            assertThat(acl.subscribe(ALICE, "$SYS/broker/uptime").allowed()).isFalse();
            assertThat(acl.subscribe(ALICE, "$other/x").allowed()).as("not covered by '#'").isFalse();
            assertThat(acl.subscribe(ALICE, "$other/x").decidedBy()).isEqualTo("acl.yaml default");
        }
    }
}
