package io.unshub.broker.security.acl;

import io.unshub.core.message.Origin;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Audit lines for denials: what they say, and that a flood is summarised instead of logged line by line. */
class AclAuditTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AclAudit audit = new AclAudit(now::get, 20, Duration.ofSeconds(10), lines::add);
    private final Verdict rule = Verdict.deny("acl.yaml:7");

    @Test
    @DisplayName("a line names action, client id, user, remote address, topic or filter and the deciding rule")
    void lineContent() {
        audit.denied(AclAction.PUBLISH, Origin.client("plc-7", "alice", Set.of("mes")), "acme/x", rule,
                "10.0.0.7:51234");
        audit.denied(AclAction.SUBSCRIBE, Origin.client("anon-1"), "acme/#", Verdict.deny("acl.yaml default"),
                "[fe80::1]:40000");
        audit.denied(AclAction.PUBLISH, Origin.client("plc-7", "alice", Set.of()).asWill(), "status/plc-7", rule);
        audit.denied(AclAction.PUBLISH, Origin.internal("opcua-bridge"), "acme/d/p/_cmd/go", rule);
        assertThat(lines).containsExactly(
                "ACL denied publish: client 'plc-7' user 'alice' from 10.0.0.7:51234 topic 'acme/x' by acl.yaml:7",
                "ACL denied subscribe: client 'anon-1' user (anonymous) from [fe80::1]:40000 filter 'acme/#'"
                        + " by acl.yaml default",
                "ACL denied publish (will): client 'plc-7' user 'alice' from (address unknown) topic 'status/plc-7'"
                        + " by acl.yaml:7",
                "ACL denied publish: component 'opcua-bridge' topic 'acme/d/p/_cmd/go' by acl.yaml:7");
    }

    @Test
    @DisplayName("control characters from the network are masked and very long topics cut")
    void hostileText() {
        audit.denied(AclAction.PUBLISH, Origin.client("evil\nclient"), "x".repeat(1000) + "\r", rule);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("\n", "\r").contains("client 'evil?client'")
                .contains("x".repeat(256) + "...'").hasSizeLessThan(400);
    }

    @Test
    @DisplayName("at most 20 lines per 10 s, then one 'N more' line when the window ends")
    void rateLimited() {
        for (int i = 0; i < 1000; i++) {
            audit.denied(AclAction.PUBLISH, Origin.client("c"), "t/" + i, rule);
        }
        assertThat(lines).hasSize(20);
        assertThat(lines.get(19)).contains("'t/19'");

        now.addAndGet(Duration.ofSeconds(9).toNanos());
        audit.flush();
        assertThat(lines).as("window not over yet").hasSize(20);

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        audit.flush();
        assertThat(lines).hasSize(21);
        assertThat(lines.get(20)).startsWith("ACL denied 980 more requests in the last 10 s");

        audit.flush();
        assertThat(lines).as("nothing more to summarise").hasSize(21);
        audit.denied(AclAction.SUBSCRIBE, Origin.client("c"), "f", rule);
        assertThat(lines).as("a new window logs again").hasSize(22);
    }

    @Test
    @DisplayName("the first denial of a new window writes the previous window's summary before its own line")
    void summaryBeforeNextLine() {
        for (int i = 0; i < 25; i++) {
            audit.denied(AclAction.PUBLISH, Origin.client("c"), "t", rule);
        }
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        audit.denied(AclAction.PUBLISH, Origin.client("d"), "u", rule);
        assertThat(lines).hasSize(22);
        assertThat(lines.get(20)).startsWith("ACL denied 5 more");
        assertThat(lines.get(21)).contains("client 'd'");
    }
}
