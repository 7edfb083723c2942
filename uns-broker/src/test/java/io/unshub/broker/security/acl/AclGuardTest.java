package io.unshub.broker.security.acl;

import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The guard as the broker sees it: publish guard and subscription policy, counters, audit, rule swaps. */
class AclGuardTest {

    private static final String RULES = """
            default: deny
            rules:
              - deny: [publish, subscribe]
                topics: ["acme/secret/#"]
              - allow: [publish, subscribe]
                roles: [mes]
                topics: ["acme/#"]
              - allow: [publish, subscribe]
                topics: ["users/%u/#"]
            """;

    private final List<String> audit = new CopyOnWriteArrayList<>();
    private final AclGuard guard = new AclGuard(parse(RULES),
            new AclAudit(System::nanoTime, 20, Duration.ofSeconds(10), audit::add));

    private static AclRules parse(String yaml) {
        try {
            return AclRules.parse(yaml, "/etc/uns/config/acl.yaml");
        } catch (AclException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static UnsMessage message(String topic, Origin origin) {
        return UnsMessage.of(topic, new byte[]{1}, 1, false, MessageProperties.NONE, origin);
    }

    private static final Origin MES = Origin.client("mes-1", "mes-svc", Set.of("mes"));

    @Test
    @DisplayName("allowed publishes pass (null); denied ones get 0x87 naming file:line only, counted and audited")
    void publish() {
        guard.addressesFrom(clientId -> clientId.equals("mes-1") ? "10.1.2.3:40001" : null);
        assertThat(guard.check(message("acme/dallas/x", MES))).isNull();
        PublishOutcome.Rejected rejected = guard.check(message("acme/secret/x", MES));
        assertThat(rejected).isEqualTo(new PublishOutcome.Rejected(0x87, "not authorized (acl.yaml:3)", false, false));
        assertThat(rejected.reason()).doesNotContain("/etc/uns", "mes-svc");
        assertThat(guard.publishDenied()).isEqualTo(1);
        assertThat(guard.subscribeDenied()).isZero();
        assertThat(audit).containsExactly(
                "ACL denied publish: client 'mes-1' user 'mes-svc' from 10.1.2.3:40001 topic 'acme/secret/x' by acl.yaml:3");
    }

    @Test
    @DisplayName("subscribe: 0 when allowed, 0x87 when not; counted separately")
    void subscribe() {
        assertThat(guard.check(MES, "acme/dallas/#")).isZero();
        assertThat(guard.check(MES, "acme/#")).isEqualTo(0x87);
        assertThat(guard.check(MES, "$share/g/acme/secret/+")).isEqualTo(0x87);
        assertThat(guard.check(Origin.client("x", "bob", Set.of()), "users/bob/#")).isZero();
        assertThat(guard.subscribeDenied()).isEqualTo(2);
        assertThat(guard.publishDenied()).isZero();
        assertThat(audit).hasSize(2).allMatch(l -> l.startsWith("ACL denied subscribe: client 'mes-1'"));
    }

    @Test
    @DisplayName("a refusal is the same shared instance every time")
    void sharedRejection() {
        assertThat(guard.check(message("other/x", MES))).isSameAs(guard.check(message("other/y", MES)));
    }

    @Test
    @DisplayName("without an ACL file everything passes; installing rules takes effect at the next check")
    void install() {
        AclGuard open = new AclGuard();
        assertThat(open.rules().restricts()).isFalse();
        assertThat(open.check(message("acme/secret/x", MES))).isNull();
        assertThat(open.check(MES, "#")).isZero();
        open.install(parse(RULES));
        assertThat(open.check(message("acme/secret/x", MES))).isNotNull();
        open.install(AclRules.allowAll());
        assertThat(open.check(message("acme/secret/x", MES))).isNull();
    }

    @Test
    @DisplayName("a publish check that involves no %u/%c rule allocates nothing, whether it allows or denies")
    void noAllocation() {
        UnsMessage allowed = message("acme/dallas/press/line1/speed", MES); // decided by the second rule
        UnsMessage denied = message("acme/secret/recipe", MES);             // decided by the first rule
        // A single allocation per check would be several MB here; allow a little for the measuring itself.
        assertThat(bytesAllocatedBy(allowed, denied, 200_000)).isLessThan(4096);
    }

    @Test
    @DisplayName("control for the above: checks that reach the %u rule do allocate, so the measurement sees it")
    void templateRulesAllocate() {
        UnsMessage viaTemplate = message("users/bob/x", Origin.client("c", "bob", Set.of()));
        UnsMessage pastTemplate = message("other/x", MES); // tries users/%u/# and falls to the default
        assertThat(bytesAllocatedBy(viaTemplate, pastTemplate, 200_000)).isGreaterThan(1_000_000);
    }

    /** Bytes this thread allocates while checking {@code first} and {@code second} {@code checks} times each, after a warm-up. */
    private static long bytesAllocatedBy(UnsMessage first, UnsMessage second, int checks) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        AclGuard quiet = new AclGuard(parse(RULES), new AclAudit(System::nanoTime, 0, Duration.ofDays(1), l -> { }));
        for (int i = 0; i < checks; i++) { // warm up (and let the JIT settle)
            quiet.check(first);
            quiet.check(second);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        long outcomes = 0;
        for (int i = 0; i < checks; i++) {
            outcomes += quiet.check(first) == null ? 1 : 2;
            outcomes += quiet.check(second) == null ? 1 : 2;
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(outcomes).as("the checks ran and their results were used").isGreaterThan(0);
        return allocated;
    }
}
