package io.unshub.namespace.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.namespace.model.NamespaceModel.PayloadSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Payload contracts every model may name without defining them. {@code uns-value} is the hub's own
 * value shape (what the Sparkplug host and OPC UA bridge publish); a model may redefine any of them.
 */
final class BuiltInPayloads {

    private static final int ONE_MIB = 1_048_576;

    private static final String UNS_VALUE_SCHEMA = """
            {
              "type": "object",
              "required": ["value", "timestamp_ms"],
              "properties": {
                "value": {},
                "timestamp_ms": {"type": "integer"},
                "quality": {"enum": ["good", "uncertain", "bad", "stale"]},
                "status_code": {"type": "integer"},
                "unit": {"type": "string"},
                "datatype": {"type": "string"}
              }
            }
            """;

    static final Map<String, PayloadSpec> ALL;

    static {
        Map<String, PayloadSpec> all = new LinkedHashMap<>();
        all.put("any", new PayloadSpec(PayloadSpec.Format.ANY, ONE_MIB * 256 - 1, null));
        all.put("text", new PayloadSpec(PayloadSpec.Format.TEXT, ONE_MIB, null));
        all.put("json", new PayloadSpec(PayloadSpec.Format.JSON, ONE_MIB, null));
        try {
            all.put("uns-value", new PayloadSpec(PayloadSpec.Format.JSON, 65_536,
                    new ObjectMapper().readTree(UNS_VALUE_SCHEMA)));
        } catch (JsonProcessingException e) {
            throw new ExceptionInInitializerError(e);
        }
        ALL = Map.copyOf(all);
    }

    private BuiltInPayloads() {
    }
}
