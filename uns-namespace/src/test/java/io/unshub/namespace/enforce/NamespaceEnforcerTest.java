package io.unshub.namespace.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.core.bus.OverflowPolicy;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.TestModels;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.check.Rule;
import io.unshub.namespace.live.LiveNamespace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The publish guard: what it refuses with which code and reason, what it counts and what it reports. */
class NamespaceEnforcerTest {

    static final CompiledNamespace ACME = TestModels.compiled(TestModels.ACME);
    static final String EDGE = "v1/acme/plant1/press/_edge/speed";
    static final String VALUE = "{\"timestamp_ms\":1700000000000,\"value\":42}";
    static final ObjectMapper JSON = new ObjectMapper();

    ViolationReporter reporter;
    NamespaceEnforcer enforcer;
    LiveNamespace live;
    MiniBus bus;
    List<UnsMessage> reports;

    @BeforeEach
    void setUp() {
        reporter = new ViolationReporter();
        enforcer = new NamespaceEnforcer(ACME, reporter);
        live = new LiveNamespace(t -> enforcer.current().classify(t) >= 0, 1000);
        bus = new MiniBus(enforcer, live);
        reporter.attach(bus);
        reports = new CopyOnWriteArrayList<>();
        bus.subscribe(new SubscriberSpec("violations", "$uns/violations/#", 100, OverflowPolicy.DROP_NEWEST, Runnable::run),
                reports::add);
    }

    static UnsMessage message(String topic, String payload, int qos, boolean retain, Origin origin) {
        return UnsMessage.of(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain, MessageProperties.NONE, origin);
    }

    static UnsMessage message(String topic, String payload) {
        return message(topic, payload, 1, false, Origin.client("plc-7"));
    }

    // ------------------------------------------------------------------ check()

    @Test
    void acceptedAndReservedMessagesPass() {
        assertThat(enforcer.check(message(EDGE, VALUE))).isNull();
        assertThat(enforcer.check(message("$SYS/broker/uptime", "not json at all"))).isNull();
        assertThat(enforcer.check(message("spBv1.0/acme/DDATA/line1/cell1", "\u0000\u0001"))).isNull();
        assertThat(enforcer.check(message("legacy/anything", ""))).isNull();
        assertThat(enforcer.counters().total()).isZero();
        assertThat(reports).isEmpty();

        assertThat(bus.publish(message(EDGE, VALUE)).accepted()).isTrue();
        assertThat(live.value(EDGE)).isPresent();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "acme/plant1/press/_edge/speed                 | ROOT",
            "v1/acme/plant9/press/_edge/speed              | LEVEL_VALUE",
            "v1/acme/plant2/Press 1/_edge/speed            | SEGMENT_PATTERN",
            "v1/acme/plant1/paint/_edge/speed              | NOT_IN_TREE",
            "v1/acme/plant1/press/line1/cell1              | CLASS_MISSING",
            "v1/acme/plant1/press/_foo/speed               | CLASS_UNKNOWN",
            "v1/acme/plant1/_edge/speed                    | LEVEL_REQUIRED",
            "v1/acme/plant1/press/_kpi/a/b                 | TAG_PATH_DEPTH",
            "v1/acme/plant1/press/_edge/spindle speed      | TAG_PATH_PATTERN",
    })
    void topicViolationsAreRefusedWith0x90(String topic, Rule rule) {
        PublishOutcome.Rejected r = enforcer.check(message(topic, VALUE));
        assertThat(r).isNotNull();
        assertThat(r.reasonCode()).isEqualTo(0x90);
        assertThat(r.reason()).startsWith(rule.id() + " ").isEqualTo(ACME.explain(topic).reason());
        assertThat(enforcer.counters().count(rule)).isEqualTo(1);
        assertThat(enforcer.counters().total()).isEqualTo(1);
        assertThat(bus.publish(message(topic, VALUE))).isInstanceOf(PublishOutcome.Rejected.class);
        assertThat(live.size()).isZero();
    }

    @Test
    void payloadViolationsAreRefusedWith0x83() {
        PublishOutcome.Rejected schema = enforcer.check(message(EDGE, "{\"value\":\"x\"}"));
        assertThat(schema.reasonCode()).isEqualTo(0x83);
        assertThat(schema.reason()).startsWith("UNS-E203 payload breaks contract 'uns-value-v1'");

        PublishOutcome.Rejected format = enforcer.check(message(EDGE, "forty-two"));
        assertThat(format.reasonCode()).isEqualTo(0x83);
        assertThat(format.reason()).startsWith("UNS-E202 ");

        PublishOutcome.Rejected size = enforcer.check(message("v1/acme/plant1/press/_note/x", "seventeen bytes!!"));
        assertThat(size.reasonCode()).isEqualTo(0x83);
        assertThat(size.reason()).startsWith("UNS-E201 ");

        assertThat(enforcer.counters().snapshot()).contains(entry(Rule.PAYLOAD_SCHEMA, 1L),
                entry(Rule.PAYLOAD_FORMAT, 1L), entry(Rule.PAYLOAD_TOO_LARGE, 1L), entry(Rule.ROOT, 0L));
    }

    @Test
    void clearingARetainedValueIsAllowedWhateverTheContract() {
        for (String topic : List.of(EDGE, "v1/acme/plant1/press/_mes/order", "v1/acme/plant1/press/_note/n",
                "v1/acme/plant1/press/_raw/r")) {
            assertThat(enforcer.check(message(topic, "", 1, true, Origin.client("c")))).as(topic).isNull();
            assertThat(enforcer.check(message(topic, "", 0, true, Origin.will("c")))).as(topic).isNull();
        }
        // not retained: an empty payload is no JSON
        PublishOutcome.Rejected r = enforcer.check(message(EDGE, "", 1, false, Origin.client("c")));
        assertThat(r.reason()).startsWith("UNS-E202 payload is empty");
        // retained but not empty: the contract applies
        assertThat(enforcer.check(message(EDGE, "{}", 1, true, Origin.client("c")))).isNotNull();
        assertThat(enforcer.counters().total()).isEqualTo(2);
    }

    @Test
    void anEmptyRetainedMessageOutsideTheModelIsStillRefused() {
        // Clearing values an older model let in is the router's business: it knows what is retained.
        String outside = "v1/acme/plant9/press/_edge/left-over";
        assertThat(enforcer.check(message(outside, "", 1, true, Origin.client("c"))).reasonCode()).isEqualTo(0x90);
        assertThat(enforcer.counters().total()).isEqualTo(1);
    }

    @Test
    void countersAddUpPerRule() {
        for (int i = 0; i < 3; i++) {
            enforcer.check(message("x/y", VALUE));
        }
        enforcer.check(message("v1/acme/plant1/press/_foo/x", VALUE));
        enforcer.check(message(EDGE, "[]"));
        enforcer.check(message(EDGE, VALUE));

        ViolationCounters c = enforcer.counters();
        assertThat(c.count(Rule.ROOT)).isEqualTo(3);
        assertThat(c.count(Rule.CLASS_UNKNOWN)).isEqualTo(1);
        assertThat(c.count(Rule.PAYLOAD_SCHEMA)).isEqualTo(1);
        assertThat(c.total()).isEqualTo(5);
        assertThat(c.snapshot()).hasSize(Rule.values().length);
        assertThat(c.snapshot().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5);
    }

    // ------------------------------------------------------------------ reports

    @Test
    void eachViolationIsReportedOnTheBus() throws Exception {
        UnsMessage bad = message("v1/acme/plant9/press/_edge/speed", VALUE, 1, true, Origin.client("line1/plc+7#"));
        PublishOutcome outcome = bus.publish(bad);
        assertThat(outcome).isInstanceOf(PublishOutcome.Rejected.class);

        assertThat(reports).hasSize(1);
        UnsMessage report = reports.get(0);
        assertThat(report.topic()).isEqualTo("$uns/violations/line1_plc_7_");
        assertThat(report.qos()).isZero();
        assertThat(report.retain()).isFalse();
        assertThat(report.origin()).isEqualTo(ViolationReporter.ORIGIN);
        assertThat(bus.routed).containsExactly(report);
        assertThat(live.size()).as("reports are reserved, not part of the namespace").isZero();

        JsonNode json = JSON.readTree(report.payload());
        assertThat(json.get("topic").asText()).isEqualTo("v1/acme/plant9/press/_edge/speed");
        assertThat(json.get("clientId").asText()).isEqualTo("line1/plc+7#");
        assertThat(json.get("origin").asText()).isEqualTo("client");
        assertThat(json.get("rule").asText()).isEqualTo("UNS-E104");
        assertThat(json.get("ruleName").asText()).isEqualTo("level-value");
        assertThat(json.get("reasonCode").asInt()).isEqualTo(0x90);
        assertThat(json.get("reason").asText()).isEqualTo(((PublishOutcome.Rejected) outcome).reason())
                .contains("'plant9'");
        assertThat(json.get("qos").asInt()).isEqualTo(1);
        assertThat(json.get("retain").asBoolean()).isTrue();
        assertThat(json.get("revision").asText()).isEqualTo("7");
        assertThat(json.get("timestamp_ms").asLong()).isEqualTo(bad.receivedAtMillis());
    }

    @Test
    void payloadViolationsAndWillsAreReportedToo() throws Exception {
        bus.publish(message(EDGE, "{\"value\":1}", 0, false, Origin.will("plc-9")));
        assertThat(reports).hasSize(1);
        JsonNode json = JSON.readTree(reports.get(0).payload());
        assertThat(reports.get(0).topic()).isEqualTo("$uns/violations/plc-9");
        assertThat(json.get("origin").asText()).isEqualTo("will");
        assertThat(json.get("rule").asText()).isEqualTo("UNS-E203");
        assertThat(json.get("reasonCode").asInt()).isEqualTo(0x83);
    }

    @Test
    void reportFieldsDoNotDependOnTheDefaultLocale() throws Exception {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            bus.publish(message("x/y", VALUE, 0, false, Origin.internal("opcua-bridge")));
        } finally {
            Locale.setDefault(before);
        }
        JsonNode json = JSON.readTree(reports.get(0).payload());
        assertThat(json.get("origin").asText()).isEqualTo("internal");
        assertThat(json.get("clientId").asText()).isEqualTo("opcua-bridge");
    }

    @Test
    void noReportWhenThePolicySaysSoOrNoBusIsAttached() {
        CompiledNamespace quiet = TestModels.compileText("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  levels: [ { name: enterprise, required: true } ]
                  classes: { _edge: {} }
                  onViolation: { report: false }
                """);
        enforcer.install(quiet);
        assertThat(bus.publish(message("acme/nope/x", VALUE))).isInstanceOf(PublishOutcome.Rejected.class);
        assertThat(reports).isEmpty();
        assertThat(enforcer.counters().count(Rule.CLASS_MISSING)).as("still counted").isEqualTo(1);

        NamespaceEnforcer detached = new NamespaceEnforcer(ACME, new ViolationReporter());
        PublishOutcome.Rejected r = detached.check(message("x", VALUE));
        assertThat(r.reasonCode()).isEqualTo(0x90);
        assertThat(detached.counters().count(Rule.ROOT)).isEqualTo(1);
    }

    @CsvSource(delimiter = '|', value = {
            "client-1         | $uns/violations/client-1",
            "a/b              | $uns/violations/a_b",
            "+                | $uns/violations/_",
            "'#'              | $uns/violations/_",
            "/leading/+/#/    | $uns/violations/_leading_____",
            "Maschine-Ä😀      | $uns/violations/Maschine-Ä😀",
            "$SYS             | $uns/violations/$SYS",
    })
    @ParameterizedTest
    void reportTopicsAreSanitised(String clientId, String topic) {
        assertThat(ViolationReporter.topicFor(clientId)).isEqualTo(topic);
    }

    @Test
    void reportTopicForEmptyAndNulCharacterClientIds() {
        assertThat(ViolationReporter.topicFor("")).isEqualTo("$uns/violations/_");
        assertThat(ViolationReporter.topicFor("a\u0000b")).isEqualTo("$uns/violations/a_b");
        assertThat(ACME.isReserved(ViolationReporter.topicFor("a/b+c"))).isTrue();
    }

    // ------------------------------------------------------------------ policy

    @ParameterizedTest
    @CsvSource({"drop, drop, false, false", "disconnect, drop, true, false", "drop, disconnect, false, true",
            "disconnect, disconnect, true, true"})
    void disconnectFlagsFollowThePolicy(String qos0, String mqtt3, boolean disconnect5, boolean disconnect3) {
        enforcer.install(TestModels.compileText("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  levels: [ { name: enterprise, required: true } ]
                  classes: { _edge: { payload: json } }
                  onViolation: { mqtt5Qos0: %s, mqtt311: %s }
                """.formatted(qos0, mqtt3)));
        PublishOutcome.Rejected topic = enforcer.check(message("acme/x", VALUE));
        PublishOutcome.Rejected payload = enforcer.check(message("acme/_edge/x", "nope"));
        for (PublishOutcome.Rejected r : List.of(topic, payload)) {
            assertThat(r.disconnectMqtt5Qos0()).isEqualTo(disconnect5);
            assertThat(r.disconnectMqtt3()).isEqualTo(disconnect3);
        }
    }

    @Test
    void theExampleModelDisconnectsMqtt3ClientsOnly() {
        PublishOutcome.Rejected r = enforcer.check(message("nope", VALUE));
        assertThat(r.disconnectMqtt5Qos0()).isFalse();
        assertThat(r.disconnectMqtt3()).isTrue();
    }

    @Test
    void installSwapsTheModel() {
        assertThat(enforcer.current()).isSameAs(ACME);
        assertThat(enforcer.check(message("acme/_edge/x", "1"))).isNotNull();
        CompiledNamespace open = CompiledNamespace.compile(io.unshub.namespace.load.ModelLoader.builtIn());
        enforcer.install(open);
        assertThat(enforcer.current()).isSameAs(open);
        assertThat(enforcer.check(message("acme/_edge/x", "1"))).isNull();
        assertThat(enforcer.check(message(EDGE, "1"))).as("v1 is an enterprise in the built-in model").isNull();
    }

    // ------------------------------------------------------------------ subscriptions

    @Test
    void strictSubscriptionsRefuseFiltersThatCanNeverMatch() {
        assertThat(ACME.model().onViolation().strictSubscriptions()).isTrue();
        assertThat(enforcer.checkSubscription("v1/acme/+/press/#")).isZero();
        assertThat(enforcer.checkSubscription("#")).isZero();
        assertThat(enforcer.checkSubscription("$SYS/#")).isZero();
        assertThat(enforcer.checkSubscription("$uns/violations/+")).isZero();
        assertThat(enforcer.checkSubscription("v1/initech/#")).isEqualTo(0x8F);
        assertThat(enforcer.checkSubscription("v1/acme/plant1/press/_edge")).isEqualTo(0x8F);
        assertThat(NamespaceEnforcer.TOPIC_FILTER_INVALID).isEqualTo(0x8F);
        // shared subscriptions are judged by their filter
        assertThat(enforcer.checkSubscription("$share/g/v1/acme/plant1/#")).isZero();
        assertThat(enforcer.checkSubscription("$share/g/v1/initech/#")).isEqualTo(0x8F);
        assertThat(enforcer.checkSubscription("$share/g/$SYS/#")).isZero();
        assertThat(enforcer.checkSubscription("$share/g/#")).isZero();
    }

    @Test
    void lenientSubscriptionsAllowAnything() {
        enforcer.install(TestModels.compiled(TestModels.OPEN));
        assertThat(enforcer.current().model().onViolation().strictSubscriptions()).isFalse();
        assertThat(enforcer.checkSubscription("nowhere/at/all")).isZero();
        assertThat(enforcer.checkSubscription("$share/g/nowhere")).isZero();
        assertThat(enforcer.current().canMatch("nowhere/at/all")).isFalse();
    }
}
