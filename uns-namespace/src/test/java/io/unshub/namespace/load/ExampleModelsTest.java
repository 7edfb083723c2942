package io.unshub.namespace.load;

import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.check.Rule;
import io.unshub.namespace.check.Verdict;
import io.unshub.namespace.model.NamespaceModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example models under {@code examples/namespace/} load with the real loader and behave as their comments
 * say: a few accepted and refused topics and payloads for each, with the rule a publisher would be told.
 */
class ExampleModelsTest {

    private static final String VALUE = "{\"value\":42.5,\"timestamp_ms\":1732000000000,\"quality\":\"good\"}";

    static CompiledNamespace load(String file) throws ModelException {
        Path path = Path.of("").toAbsolutePath().resolve("../examples/namespace").resolve(file).normalize();
        return CompiledNamespace.compile(ModelLoader.load(path));
    }

    static void assertAccepted(CompiledNamespace ns, String topic, String className) {
        assertAccepted(ns, topic, null, className);
    }

    static void assertAccepted(CompiledNamespace ns, String topic, String payload, String className) {
        Verdict verdict = ns.explain(topic, payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
        assertThat(verdict.kind()).as("%s: %s", topic, verdict.reason()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(verdict.className()).isEqualTo(className);
        int classification = ns.classify(topic);
        assertThat(classification).as(topic).isGreaterThanOrEqualTo(0);
        assertThat(ns.className(classification)).isEqualTo(className);
    }

    static void assertRejected(CompiledNamespace ns, String topic, Rule rule) {
        assertRejected(ns, topic, null, rule);
    }

    /** Refused by {@code rule}; the reason starts with the rule's id, as publishers see it. */
    static void assertRejected(CompiledNamespace ns, String topic, String payload, Rule rule) {
        Verdict verdict = ns.explain(topic, payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
        assertThat(verdict.kind()).as(topic).isEqualTo(Verdict.Kind.REJECTED);
        assertThat(verdict.rule()).as("%s: %s", topic, verdict.reason()).isEqualTo(rule);
        assertThat(verdict.reason()).startsWith(rule.id() + " ");
        if (payload == null) {
            assertThat(CompiledNamespace.ruleOf(ns.classify(topic))).as(topic).isEqualTo(rule);
        }
    }

    static void assertReserved(CompiledNamespace ns, String topic) {
        assertThat(ns.explain(topic).kind()).as(topic).isEqualTo(Verdict.Kind.RESERVED);
        assertThat(ns.classify(topic)).isEqualTo(CompiledNamespace.RESERVED);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class TwoSiteEnterprise {

        CompiledNamespace ns;

        @BeforeAll
        void load() throws ModelException {
            ns = ExampleModelsTest.load("two-site-enterprise.yaml");
        }

        @Test
        void loadsWithItsMetadataAndPolicy() {
            NamespaceModel model = ns.model();
            assertThat(model.name()).isEqualTo("acme two-site enterprise");
            assertThat(model.revision()).isEqualTo("2025-11-22.1");
            assertThat(model.root()).isEmpty();
            assertThat(model.levels()).extracting(NamespaceModel.Level::name)
                    .containsExactly("enterprise", "site", "area", "line", "cell");
            assertThat(model.classes()).containsOnlyKeys("_edge", "_historian", "_kpi", "_mes", "_erp", "_meta",
                    "_cmd", "_state", "_alarms");
            assertThat(model.classes().get("_meta").historize()).isFalse();
            assertThat(model.reserved()).contains("sandbox/#", "spBv1.0/#", "$SYS/#");
            assertThat(model.onViolation()).isEqualTo(NamespaceModel.ViolationPolicy.DEFAULT);
        }

        @Test
        void mapsTheDemoEdgeNodeOntoThePaintLineAndKeepsItsNodeMetricsOut() {
            var mapping = ns.model().sparkplug();
            assertThat(mapping.metaClass()).isEqualTo("_meta");
            assertThat(mapping.commandClass()).isEqualTo("_cmd");
            var device = mapping.ruleFor("acme-dallas", "paint-line1", "booth1");
            String location = device.location().render("acme-dallas", "paint-line1", "booth1", "setpoint/temperature");
            String tag = device.tag().render("acme-dallas", "paint-line1", "booth1", "setpoint/temperature");
            assertThat(location + "/_edge/" + tag).isEqualTo("acme/dallas/paint/line1/booth1/_edge/setpoint/temperature");
            assertAccepted(ns, location + "/_edge/" + tag, VALUE, "_edge");
            assertAccepted(ns, location + "/_meta/" + tag, "{\"source\":\"sparkplug\"}", "_meta");
            assertAccepted(ns, location + "/_cmd/" + tag, "{\"value\":30}", "_cmd");
            // An empty location projects nothing: bdSeq and Node Control/Rebirth would break the tag pattern.
            assertThat(mapping.ruleFor("acme-dallas", "paint-line1", "").location()
                    .render("acme-dallas", "paint-line1", "", "Node Control/Rebirth")).isEmpty();
        }

        @Test
        void servesAsJsonWithItsSparkplugTemplatesAsWritten() throws Exception {
            // GET /api/v1/namespace returns the model through Jackson; a template without a JSON form made it a 500.
            String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(ns.model());
            assertThat(json).contains("\"sparkplug\"").contains(ns.model().sparkplug()
                    .ruleFor("acme-dallas", "paint-line1", "booth1").location().source());
        }

        @Test
        void acceptsTopicsOfTheTreeAtEveryDepth() {
            assertAccepted(ns, "acme/dallas/press/line1/cell2/_edge/spindle/speed", VALUE, "_edge");
            assertAccepted(ns, "acme/monterrey/assembly/line1/cell3/_historian/robot/axis1/torque", VALUE, "_historian");
            assertAccepted(ns, "acme/dallas/press/_kpi/oee", "{\"value\":0.83,\"timestamp_ms\":1732000000000}", "_kpi");
            assertAccepted(ns, "acme/_erp/orders/SO-1001", "{\"customer\":\"globex\"}", "_erp");
            // line3 in Monterrey assembly is open ("*"): any cell name that matches the segment pattern.
            assertAccepted(ns, "acme/monterrey/assembly/line3/station-7/_state/robot",
                    "{\"state\":\"running\",\"timestamp_ms\":1732000000000}", "_state");
        }

        @Test
        void refusesNamesOutsideTheTree() {
            assertRejected(ns, "acme/dalas/press/line1/cell1/_edge/spindle/speed", Rule.NOT_IN_TREE);
            assertRejected(ns, "acme/dallas/press/line3/cell1/_edge/spindle/speed", Rule.NOT_IN_TREE);
            assertRejected(ns, "acme/monterrey/press/line1/cell3/_edge/spindle/speed", Rule.NOT_IN_TREE);
            assertRejected(ns, "Acme/dallas/_kpi/oee", Rule.NOT_IN_TREE);
            // Under "*" the name is not listed, so the segment pattern decides (lower case only).
            assertRejected(ns, "acme/monterrey/assembly/line3/Station7/_state/robot", Rule.SEGMENT_PATTERN);
        }

        @Test
        void refusesTopicsWithoutAProperClassOrTagPath() {
            assertRejected(ns, "acme/dallas/press/line1/cell1/_edg/spindle/speed", Rule.CLASS_UNKNOWN);
            assertRejected(ns, "acme/dallas/press/line1/cell1/spindle/speed", Rule.CLASS_MISSING);
            assertRejected(ns, "_edge/spindle/speed", Rule.LEVEL_REQUIRED);
            assertRejected(ns, "acme/dallas/press/line1/cell1/_edge", Rule.TAG_PATH_DEPTH);
            assertRejected(ns, "acme/dallas/press/line1/cell1/_edge/a/b/c/d/e", Rule.TAG_PATH_DEPTH);
            assertRejected(ns, "acme/dallas/press/line1/cell1/_edge/Spindle/Speed", Rule.TAG_PATH_PATTERN);
            assertRejected(ns, "acme/dallas/press/_kpi/shift/a/oee", Rule.TAG_PATH_DEPTH);
        }

        @Test
        void mesWorkOrdersFollowTheirSchema() {
            String topic = "acme/dallas/press/line1/_mes/work-order/WO-2025-00042";
            assertAccepted(ns, topic, "{\"work_order_id\":\"WO-2025-00042\",\"product\":\"bracket-left\",\"quantity\":500,"
                    + "\"produced\":120,\"status\":\"running\",\"timestamp_ms\":1732000000000}", "_mes");
            // A misspelt key: "quantity" is missing and "quantitiy" is not allowed.
            assertRejected(ns, topic, "{\"work_order_id\":\"WO-2025-00042\",\"product\":\"bracket-left\",\"quantitiy\":500,"
                    + "\"status\":\"running\",\"timestamp_ms\":1732000000000}", Rule.PAYLOAD_SCHEMA);
            assertRejected(ns, topic, "{\"work_order_id\":\"42\",\"product\":\"bracket-left\",\"quantity\":500,"
                    + "\"status\":\"running\",\"timestamp_ms\":1732000000000}", Rule.PAYLOAD_SCHEMA);
            // Work orders need exactly work-order/<id> after _mes.
            assertRejected(ns, "acme/dallas/press/line1/_mes/WO-2025-00042", Rule.TAG_PATH_DEPTH);
        }

        @Test
        void payloadContractsOfTheOtherClasses() {
            String edge = "acme/dallas/press/line1/cell1/_edge/spindle/speed";
            assertRejected(ns, edge, "{\"value\":42.5}", Rule.PAYLOAD_SCHEMA);
            assertRejected(ns, edge, "speed=42.5", Rule.PAYLOAD_FORMAT);
            assertRejected(ns, edge, "{\"value\":42.5,\"timestamp_ms\":1732000000000,\"quality\":\"great\"}",
                    Rule.PAYLOAD_SCHEMA);
            String alarm = "acme/dallas/press/line1/cell1/_alarms/p1-overtemp";
            assertAccepted(ns, alarm, "{\"id\":\"P1-OVERTEMP\",\"severity\":\"high\",\"active\":true,"
                    + "\"timestamp_ms\":1732000000000}", "_alarms");
            assertRejected(ns, alarm, "{\"id\":\"P1-OVERTEMP\",\"severity\":\"urgent\",\"active\":true,"
                    + "\"timestamp_ms\":1732000000000}", Rule.PAYLOAD_SCHEMA);
            assertAccepted(ns, "acme/dallas/press/line1/cell1/_cmd/spindle/setpoint",
                    "{\"value\":1200,\"requested_by\":\"mes\"}", "_cmd");
            // The OPC UA bridge's answer on <command>/result, and a command that forgot its value.
            assertAccepted(ns, "acme/dallas/press/line1/cell1/_cmd/spindle/setpoint/result",
                    "{\"request_id\":\"r1\",\"read_back\":\"match\",\"status\":\"0x00000000\",\"status_name\":\"Good\","
                            + "\"quality\":\"good\",\"timestamp_ms\":1732000000000}", "_cmd");
            assertRejected(ns, "acme/dallas/press/line1/cell1/_cmd/spindle/setpoint", "{\"requested_by\":\"mes\"}",
                    Rule.PAYLOAD_SCHEMA);
            assertRejected(ns, "acme/dallas/press/_meta/line1", "[1,2]", Rule.PAYLOAD_SCHEMA);
        }

        @Test
        void reservedTopicsAreNotChecked() {
            assertReserved(ns, "sandbox/anything/Goes Here");
            assertReserved(ns, "spBv1.0/acme/DDATA/node1/device1");
            assertReserved(ns, "$SYS/broker/uptime");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class UmhCompatible {

        CompiledNamespace ns;

        @BeforeAll
        void load() throws ModelException {
            ns = ExampleModelsTest.load("umh-compatible.yaml");
        }

        @Test
        void loadsWithTheUmhRootAndLevels() {
            NamespaceModel model = ns.model();
            assertThat(model.root()).isEqualTo("umh/v1");
            assertThat(model.tree()).isNull();
            assertThat(model.levels()).extracting(NamespaceModel.Level::name)
                    .containsExactly("enterprise", "site", "area", "productionLine", "workCell", "originID");
            assertThat(model.levels()).extracting(NamespaceModel.Level::required)
                    .containsExactly(true, false, false, false, false, false);
            assertThat(model.classes()).containsKeys("_historian", "_analytics", "_raw", "_local");
            assertThat(model.classes().get("_raw").historize()).isFalse();
        }

        @Test
        void acceptsUmhTopicsWithOptionalLevelsLeftOut() {
            String values = "{\"timestamp_ms\":1732000000000,\"temperature\":23.5,\"pressure\":1.2}";
            assertAccepted(ns, "umh/v1/acme/_historian", values, "_historian");
            assertAccepted(ns, "umh/v1/acme/dallas/press/line1/cell2/plc-7/_historian/oven/zone1",
                    "{\"timestamp_ms\":1732000000000,\"temperature\":23.5,\"running\":true,\"recipe\":\"A7\"}",
                    "_historian");
            assertAccepted(ns, "umh/v1/acme/dallas/press/line1/_analytics/work-order/create",
                    "{\"external_work_order_id\":\"WO-1\",\"product\":\"p\",\"quantity\":5}", "_analytics");
            assertAccepted(ns, "umh/v1/acme/dallas/_raw", "anything at all", "_raw");
            assertAccepted(ns, "umh/v1/acme/Dallas_Plant/Press-1/_local/debug", "bytes", "_local");
        }

        @Test
        void refusesTopicsOutsideTheUmhLayout() {
            assertRejected(ns, "acme/dallas/_historian", Rule.ROOT);
            assertRejected(ns, "umh/v2/acme/_historian", Rule.ROOT);
            assertRejected(ns, "umh/v1/_historian", Rule.LEVEL_REQUIRED);
            assertRejected(ns, "umh/v1/globex/_historian", Rule.LEVEL_VALUE);
            assertRejected(ns, "umh/v1/acme/a/b/c/d/e/f/_historian", Rule.CLASS_MISSING);
            assertRejected(ns, "umh/v1/acme/dallas plant/_raw/x", Rule.SEGMENT_PATTERN);
            assertRejected(ns, "umh/v1/acme/dallas/_edge/x", Rule.CLASS_UNKNOWN);
            assertRejected(ns, "umh/v1/acme/dallas/press/line1/_analytics", Rule.TAG_PATH_DEPTH);
        }

        @Test
        void historianPayloadsNeedATimestampAndFlatValues() {
            String topic = "umh/v1/acme/dallas/_historian";
            assertRejected(ns, topic, "{\"temperature\":23.5}", Rule.PAYLOAD_SCHEMA);
            assertRejected(ns, topic, "{\"timestamp_ms\":1732000000000}", Rule.PAYLOAD_SCHEMA);
            assertRejected(ns, topic, "{\"timestamp_ms\":\"2025-11-20T10:00:00Z\",\"t\":1}", Rule.PAYLOAD_SCHEMA);
            assertRejected(ns, topic, "{\"timestamp_ms\":1732000000000,\"t\":{\"a\":1}}", Rule.PAYLOAD_SCHEMA);
            assertRejected(ns, topic, "temperature=23.5", Rule.PAYLOAD_FORMAT);
        }

        @Test
        void sparkplugAndHubTopicsAreReserved() {
            assertReserved(ns, "spBv1.0/acme/NBIRTH/node1");
            assertReserved(ns, "$uns/violations/plc-7");
        }
    }
}
