package io.unshub.core.message;

import java.util.Objects;

/** One MQTT 5 user property. Order and duplicates are significant, so these travel in lists. */
public record UserProperty(String name, String value) {
    public UserProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
