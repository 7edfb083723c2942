package io.unshub.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The UNS value JSON Schema is a valid 2020-12 schema and accepts exactly the documents product.md describes. */
class UnsValueSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @Test
    void isAValidDraft202012Schema() throws IOException {
        JsonSchema meta = FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

        assertThat(meta.validate(schemaNode())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"value\":42.5,\"timestamp_ms\":1732000000000,\"quality\":\"good\",\"unit\":\"degC\",\"datatype\":\"Float\"}",
            "{\"value\":null,\"timestamp_ms\":1,\"quality\":\"stale\",\"value_timestamp_ms\":0}",
            "{\"value\":[1,2,3],\"timestamp_ms\":1,\"quality\":\"uncertain\",\"datatype\":\"Int32Array\"}",
            "{\"value\":{\"columns\":[\"a\"],\"types\":[\"Int32\"],\"rows\":[[1]]},\"timestamp_ms\":1,\"quality\":\"bad\"}",
            "{\"value\":18446744073709551615,\"timestamp_ms\":1,\"quality\":\"good\",\"extra\":true}"
    })
    void acceptsTheHubsValueDocuments(String document) throws IOException {
        assertThat(schema().validate(JSON.readTree(document))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"timestamp_ms\":1,\"quality\":\"good\"}",
            "{\"value\":1,\"quality\":\"good\"}",
            "{\"value\":1,\"timestamp_ms\":1}",
            "{\"value\":1,\"timestamp_ms\":1,\"quality\":\"GOOD\"}",
            "{\"value\":1,\"timestamp_ms\":1.5,\"quality\":\"good\"}",
            "{\"value\":1,\"timestamp_ms\":-1,\"quality\":\"good\"}",
            "{\"value\":1,\"timestamp_ms\":1,\"quality\":\"good\",\"unit\":5}",
            "[1]"
    })
    void rejectsDocumentsThatBreakTheContract(String document) throws IOException {
        assertThat(schema().validate(JSON.readTree(document))).isNotEmpty();
    }

    private static JsonSchema schema() throws IOException {
        return FACTORY.getSchema(schemaNode());
    }

    private static JsonNode schemaNode() throws IOException {
        try (InputStream in = UnsValueSchemaTest.class.getResourceAsStream("/io/unshub/schemas/json/uns-value.schema.json")) {
            return JSON.readTree(in);
        }
    }
}
