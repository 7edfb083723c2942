package io.unshub.namespace.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.namespace.TestModels;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.check.Rule;
import io.unshub.namespace.check.Verdict;
import io.unshub.namespace.model.NamespaceModel.PayloadSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Payload contracts, checked through explain(topic, payload): every PAYLOAD_* rule earns 0x83. */
class PayloadContractTest {

    static final CompiledNamespace ACME = TestModels.compiled(TestModels.ACME);
    static final String EDGE = "v1/acme/plant1/press/_edge/speed";      // uns-value-v1 (from YAML)
    static final String MES = "v1/acme/plant1/press/_mes/order";        // json-object
    static final String NOTE = "v1/acme/plant1/press/_note/shift";      // text-note, 16 bytes
    static final String RAW = "v1/acme/plant1/press/_raw/dump";         // any

    /** Classes bound to the built-in contracts. */
    static final CompiledNamespace BUILT_INS = TestModels.compileText("""
            apiVersion: uns-hub/v1
            kind: NamespaceModel
            spec:
              levels: [ { name: enterprise, required: true } ]
              classes:
                _value: { payload: uns-value }
                _json: { payload: json }
                _text: { payload: text }
                _any: { payload: any }
                _default: {}
                _small: { payload: json }
                _tiny: { payload: tiny-json }
              payloads:
                tiny-json: { format: json, maxBytes: 10 }
            """);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Verdict check(CompiledNamespace ns, String topic, byte[] payload) {
        Verdict v = ns.explain(topic, payload);
        if (v.isRejected()) {
            assertThat(v.rule().name()).startsWith("PAYLOAD_");
            assertThat(v.rule().reasonCode()).isEqualTo(0x83);
            assertThat(v.reason()).startsWith(v.rule().id() + " ");
        }
        return v;
    }

    private static Verdict check(CompiledNamespace ns, String topic, String payload) {
        return check(ns, topic, utf8(payload));
    }

    // ------------------------------------------------------------------ a JSON Schema written in YAML

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"timestamp_ms\": 1700000000000, \"value\": 42.5}",
            "{\"timestamp_ms\": 1, \"value\": true, \"quality\": \"good\"}",
            "{\"timestamp_ms\": 1, \"value\": \"on\", \"quality\": \"bad\", \"status_code\": 2150891520, \"unit\": \"CEL\"}",
            "  {\"value\": -1e3, \"timestamp_ms\": 0}\n",
    })
    void valuesKeepingTheSchemaAreAccepted(String payload) {
        Verdict v = check(ACME, EDGE, payload);
        assertThat(v.kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(v.className()).isEqualTo("_edge");
    }

    @Test
    void schemaBreachesNameTheContractAndTheProblem() {
        Verdict missing = check(ACME, EDGE, "{\"value\":\"x\"}");
        assertThat(missing.rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(missing.reason()).startsWith("UNS-E203 payload breaks contract 'uns-value-v1': ")
                .contains("timestamp_ms");

        Verdict extra = check(ACME, EDGE, "{\"timestamp_ms\":1,\"value\":1,\"comment\":\"hi\"}");
        assertThat(extra.rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(extra.reason()).contains("comment");

        Verdict quality = check(ACME, EDGE, "{\"timestamp_ms\":1,\"value\":1,\"quality\":\"stale\"}");
        assertThat(quality.rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(quality.reason()).contains("quality");

        Verdict type = check(ACME, EDGE, "{\"timestamp_ms\":\"now\",\"value\":{\"a\":1}}");
        assertThat(type.rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(type.reason()).contains("timestamp_ms", "value");

        Verdict array = check(ACME, EDGE, "[1, 2]");
        assertThat(array.rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
    }

    @Test
    void manyBreachesAreSummarised() {
        CompiledNamespace ns = TestModels.compileText("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  levels: [ { name: enterprise, required: true } ]
                  classes: { _edge: { payload: strict } }
                  payloads:
                    strict:
                      schema: { type: object, required: [a, b, c, d, e] }
                """);
        Verdict v = check(ns, "acme/_edge/x", "{}");
        assertThat(v.rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(v.reason()).endsWith("; and 2 more");
        assertThat(v.reason().split("; ")).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"42 rpm", "{\"timestamp_ms\":1,", "{'value': 1}", "NaN", "{\"timestamp_ms\":1,\"value\":1} trailing",
            "{\"timestamp_ms\":1,\"value\":1}{\"timestamp_ms\":2,\"value\":2}", "1 2", "   "})
    void notJsonIsAFormatBreach(String payload) {
        Verdict v = check(ACME, EDGE, payload);
        assertThat(v.rule()).isEqualTo(Rule.PAYLOAD_FORMAT);
        assertThat(v.reason()).startsWith("UNS-E202 payload ").contains("contract 'uns-value-v1'");
    }

    @Test
    void invalidUtf8InsideJsonIsAFormatBreach() {
        byte[] payload = {'{', '"', 'v', 'a', 'l', 'u', 'e', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};
        assertThat(check(ACME, MES, payload).rule()).isEqualTo(Rule.PAYLOAD_FORMAT);
    }

    @Test
    void emptyPayloadIsNotJson() {
        Verdict v = check(ACME, MES, new byte[0]);
        assertThat(v.rule()).isEqualTo(Rule.PAYLOAD_FORMAT);
        assertThat(v.reason()).isEqualTo("UNS-E202 payload is empty; contract 'json-object' requires JSON");
    }

    @Test
    void maxBytesIsCheckedFirst() {
        String value = "{\"timestamp_ms\":1,\"value\":\"" + "x".repeat(65536 - 29) + "\"}";
        assertThat(utf8(value)).hasSize(65536);
        assertThat(check(ACME, EDGE, value).kind()).isEqualTo(Verdict.Kind.ACCEPTED);

        String tooBig = value.replace("\"x", "\"xx");
        Verdict v = check(ACME, EDGE, tooBig);
        assertThat(v.rule()).isEqualTo(Rule.PAYLOAD_TOO_LARGE);
        assertThat(v.reason()).isEqualTo(
                "UNS-E201 payload of 65537 bytes is larger than the 65536 bytes contract 'uns-value-v1' allows");

        // even garbage of the right size is judged on size first
        assertThat(check(ACME, EDGE, new byte[70_000]).rule()).isEqualTo(Rule.PAYLOAD_TOO_LARGE);
        assertThat(check(BUILT_INS, "acme/_tiny/x", "[1,2,3,4,5]").rule()).isEqualTo(Rule.PAYLOAD_TOO_LARGE);
        assertThat(check(BUILT_INS, "acme/_tiny/x", "[1,2,3,4]").kind()).isEqualTo(Verdict.Kind.ACCEPTED);
    }

    @Test
    void jsonObjectContract() {
        assertThat(check(ACME, MES, "{}").kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(ACME, MES, "{\"order\":{\"id\":17}}").className()).isEqualTo("_mes");
        Verdict v = check(ACME, MES, "\"a string\"");
        assertThat(v.rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(v.reason()).contains("contract 'json-object'");
    }

    // ------------------------------------------------------------------ text

    @Test
    void textContractWantsUtf8() {
        assertThat(check(ACME, NOTE, "shift 2 ok").kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(ACME, NOTE, "€€€€€a").kind()).as("16 bytes of UTF-8").isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(ACME, NOTE, "😀 ok").kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(ACME, NOTE, new byte[0]).kind()).as("empty text is text").isEqualTo(Verdict.Kind.ACCEPTED);

        byte[][] invalid = {
                {(byte) 0xC3, 0x28},                         // bad continuation byte
                {(byte) 0xC0, (byte) 0xAF},                  // overlong '/'
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80},     // an encoded surrogate (CESU-8)
                {'o', 'k', (byte) 0xFF},                     // never valid in UTF-8
                {(byte) 0xE2, (byte) 0x82},                  // truncated '€'
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        };
        for (byte[] payload : invalid) {
            Verdict v = check(ACME, NOTE, payload);
            assertThat(v.rule()).isEqualTo(Rule.PAYLOAD_FORMAT);
            assertThat(v.reason()).isEqualTo("UNS-E202 payload is not UTF-8 text as contract 'text-note' requires");
        }
        Verdict big = check(ACME, NOTE, "€€€€€ab");
        assertThat(big.rule()).isEqualTo(Rule.PAYLOAD_TOO_LARGE);
        assertThat(big.reason()).contains("17 bytes", "16 bytes contract 'text-note'");
    }

    // ------------------------------------------------------------------ the built-in contracts

    @Test
    void builtInUnsValue() {
        String topic = "acme/_value/temp";
        assertThat(check(BUILT_INS, topic, "{\"value\":{\"any\":[\"shape\"]},\"timestamp_ms\":5}").kind())
                .isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(BUILT_INS, topic, "{\"value\":null,\"timestamp_ms\":5,\"quality\":\"stale\",\"datatype\":\"Float\","
                + "\"extra\":1}").kind()).as("uns-value allows extra fields and 'stale'").isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(BUILT_INS, topic, "{\"timestamp_ms\":5}").reason()).contains("contract 'uns-value'", "value");
        assertThat(check(BUILT_INS, topic, "{\"value\":1,\"timestamp_ms\":5.5}").rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(check(BUILT_INS, topic, "{\"value\":1,\"timestamp_ms\":5,\"quality\":\"meh\"}").rule())
                .isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(check(BUILT_INS, topic, "{\"value\":1,\"timestamp_ms\":5,\"unit\":7}").rule())
                .isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(check(BUILT_INS, topic, "1").rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(check(BUILT_INS, topic, "{\"value\"").rule()).isEqualTo(Rule.PAYLOAD_FORMAT);
        assertThat(check(BUILT_INS, topic, new byte[65_537]).rule()).isEqualTo(Rule.PAYLOAD_TOO_LARGE);
    }

    @Test
    void builtInJsonTextAndAny() {
        assertThat(check(BUILT_INS, "acme/_json/x", "[1, \"two\", null]").kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(BUILT_INS, "acme/_json/x", "null").kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(BUILT_INS, "acme/_json/x", "nope").reason()).contains("contract 'json'");
        assertThat(check(BUILT_INS, "acme/_text/x", "plain").kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(BUILT_INS, "acme/_text/x", new byte[] {(byte) 0x80}).reason()).contains("contract 'text'");

        byte[] binary = new byte[4096];
        new java.util.Random(1).nextBytes(binary);
        assertThat(check(BUILT_INS, "acme/_any/x", binary).kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(BUILT_INS, "acme/_default/x", binary).kind()).as("no payload: any").isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(ACME, RAW, binary).kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(BUILT_INS.contract(BUILT_INS.classify("acme/_any/x")).sizeOnly()).isTrue();
        assertThat(BUILT_INS.contract(BUILT_INS.classify("acme/_json/x")).sizeOnly()).isFalse();
    }

    @Test
    void aModelMayRedefineABuiltInContract() {
        CompiledNamespace ns = TestModels.compileText("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                spec:
                  levels: [ { name: enterprise, required: true } ]
                  classes: { _edge: { payload: uns-value } }
                  payloads:
                    uns-value: { format: text, maxBytes: 4 }
                """);
        assertThat(check(ns, "acme/_edge/x", "abcd").kind()).isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(check(ns, "acme/_edge/x", "abcde").rule()).isEqualTo(Rule.PAYLOAD_TOO_LARGE);
    }

    // ------------------------------------------------------------------ explain() and the contract object

    @Test
    void payloadIsOnlyCheckedForAcceptedTopics() {
        byte[] garbage = {(byte) 0xFF};
        assertThat(ACME.explain("v1/acme/plant9/press/_edge/speed", garbage).rule()).isEqualTo(Rule.LEVEL_VALUE);
        assertThat(ACME.explain("$SYS/broker/load", garbage)).isSameAs(Verdict.RESERVED);
        assertThat(ACME.explain(EDGE, null).kind()).as("no payload: topic only").isEqualTo(Verdict.Kind.ACCEPTED);
        assertThat(ACME.explain(EDGE).kind()).isEqualTo(Verdict.Kind.ACCEPTED);
    }

    @Test
    void contractObject() throws Exception {
        assertThat(PayloadContract.ANY.check(new byte[1 << 20])).isNull();
        assertThat(PayloadContract.ANY.sizeOnly()).isTrue();
        assertThat(PayloadContract.ANY.name()).isEqualTo("any");

        PayloadSpec spec = new PayloadSpec(PayloadSpec.Format.JSON, 100,
                new ObjectMapper().readTree("{\"type\":\"array\",\"maxItems\":2}"));
        PayloadContract contract = new PayloadContract("pair", spec);
        assertThat(contract.name()).isEqualTo("pair");
        assertThat(contract.spec()).isSameAs(spec);
        assertThat(contract.check(utf8("[1,2]"))).isNull();
        PayloadContract.Breach breach = contract.check(utf8("[1,2,3]"));
        assertThat(breach.rule()).isEqualTo(Rule.PAYLOAD_SCHEMA);
        assertThat(breach.detail()).startsWith("payload breaks contract 'pair': ");

        assertThatThrownBy(() -> new PayloadContract("bad", new PayloadSpec(PayloadSpec.Format.JSON, 100,
                new ObjectMapper().readTree("{\"pattern\":\"(\"}"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid JSON Schema");
    }
}
