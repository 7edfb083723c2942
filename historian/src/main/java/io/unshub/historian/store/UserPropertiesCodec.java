package io.unshub.historian.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.core.message.UserProperty;

import java.util.ArrayList;
import java.util.List;

/** MQTT 5 user properties in one column: a JSON array of [name, value] pairs, order and duplicates kept. */
final class UserPropertiesCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<List<String>>> PAIRS = new TypeReference<>() {
    };

    private UserPropertiesCodec() {
    }

    /** {@code null} for no properties, so messages without any store nothing. */
    static String encode(List<UserProperty> properties) {
        if (properties.isEmpty()) {
            return null;
        }
        List<List<String>> pairs = new ArrayList<>(properties.size());
        for (UserProperty p : properties) {
            pairs.add(List.of(p.name(), p.value()));
        }
        try {
            return JSON.writeValueAsString(pairs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode user properties", e);
        }
    }

    static List<UserProperty> decode(String column) {
        if (column == null || column.isEmpty()) {
            return List.of();
        }
        try {
            List<List<String>> pairs = JSON.readValue(column, PAIRS);
            List<UserProperty> properties = new ArrayList<>(pairs.size());
            for (List<String> pair : pairs) {
                properties.add(new UserProperty(pair.get(0), pair.get(1)));
            }
            return properties;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored user properties are not readable: " + column, e);
        }
    }
}
