package io.unshub.namespace.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.unshub.namespace.check.Rule;
import io.unshub.namespace.model.NamespaceModel.PayloadSpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

/**
 * One compiled payload contract: a size limit, a format, and for JSON an optional JSON Schema (draft
 * 2020-12, checked by networknt's validator). Immutable and thread-safe.
 */
public final class PayloadContract {

    /** Strict: a JSON document followed by anything else is not JSON. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** The draft 2020-12 meta-schema, bundled with the validator: catches {@code type: strin} at load. */
    private static final JsonSchema META_SCHEMA =
            SCHEMAS.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    /** How many schema messages a reason lists before it says "and N more". */
    private static final int REPORTED_SCHEMA_MESSAGES = 3;

    /** Anything goes, up to the MQTT limit. */
    public static final PayloadContract ANY = new PayloadContract("any",
            new PayloadSpec(PayloadSpec.Format.ANY, Integer.MAX_VALUE, null));

    private final String name;
    private final PayloadSpec spec;
    private final JsonSchema schema;

    /** @throws IllegalArgumentException if the schema is not a usable JSON Schema */
    public PayloadContract(String name, PayloadSpec spec) {
        this.name = name;
        this.spec = spec;
        this.schema = spec.schema() == null ? null : compile(spec.schema());
    }

    private static JsonSchema compile(JsonNode schemaNode) {
        Set<ValidationMessage> problems = META_SCHEMA.validate(schemaNode);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("not a valid JSON Schema (draft 2020-12): "
                    + problems.iterator().next().getMessage());
        }
        try {
            JsonSchema compiled = SCHEMAS.getSchema(schemaNode);
            compiled.initializeValidators(); // surface bad keywords and references now, not on the first message
            return compiled;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid JSON Schema: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public PayloadSpec spec() {
        return spec;
    }

    /** Whether checking a payload cannot fail except on size (no parsing on the publish path). */
    public boolean sizeOnly() {
        return spec.format() == PayloadSpec.Format.ANY;
    }

    /** {@code null} when the payload keeps the contract, else what it broke. */
    public Breach check(byte[] payload) {
        if (payload.length > spec.maxBytes()) {
            return new Breach(Rule.PAYLOAD_TOO_LARGE, "payload of " + payload.length + " bytes is larger than the "
                    + spec.maxBytes() + " bytes contract '" + name + "' allows");
        }
        return switch (spec.format()) {
            case ANY -> null;
            case TEXT -> isUtf8(payload) ? null
                    : new Breach(Rule.PAYLOAD_FORMAT, "payload is not UTF-8 text as contract '" + name + "' requires");
            case JSON -> checkJson(payload);
        };
    }

    private Breach checkJson(byte[] payload) {
        JsonNode document;
        try {
            document = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            return new Breach(Rule.PAYLOAD_FORMAT, "payload is not JSON as contract '" + name + "' requires: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            return new Breach(Rule.PAYLOAD_FORMAT, "payload is not JSON as contract '" + name + "' requires");
        }
        if (document == null || document.isMissingNode()) {
            return new Breach(Rule.PAYLOAD_FORMAT, "payload is empty; contract '" + name + "' requires JSON");
        }
        if (schema == null) {
            return null;
        }
        Set<ValidationMessage> problems = schema.validate(document);
        if (problems.isEmpty()) {
            return null;
        }
        StringBuilder reason = new StringBuilder("payload breaks contract '").append(name).append("': ");
        Iterator<ValidationMessage> it = problems.iterator();
        for (int i = 0; i < REPORTED_SCHEMA_MESSAGES && it.hasNext(); i++) {
            if (i > 0) {
                reason.append("; ");
            }
            reason.append(it.next().getMessage());
        }
        if (problems.size() > REPORTED_SCHEMA_MESSAGES) {
            reason.append("; and ").append(problems.size() - REPORTED_SCHEMA_MESSAGES).append(" more");
        }
        return new Breach(Rule.PAYLOAD_SCHEMA, reason.toString());
    }

    private static boolean isUtf8(byte[] payload) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** A broken contract: the rule and a reason that names the contract. */
    public record Breach(Rule rule, String detail) {
    }
}
