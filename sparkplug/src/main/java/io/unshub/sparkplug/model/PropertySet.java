package io.unshub.sparkplug.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A metric's properties as the wire carries them: {@code keys.get(i)} belongs to {@code values.get(i)}.
 * Unknown keys are kept verbatim; {@link #quality()} reads the one key the specification defines.
 */
public record PropertySet(List<String> keys, List<PropertyValue> values) {

    public static final PropertySet EMPTY = new PropertySet(List.of(), List.of());

    public PropertySet {
        keys = List.copyOf(keys);
        values = List.copyOf(values);
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException("property set with " + keys.size() + " keys and " + values.size() + " values");
        }
    }

    /** The value of the first property with this key, or {@code null}. */
    public PropertyValue get(String key) {
        int index = keys.indexOf(key);
        return index < 0 ? null : values.get(index);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /**
     * The {@code Quality} property: GOOD when absent; {@code null} when present with a code the specification
     * does not define or a non-integer value (the caller decides how to show that).
     */
    public Quality quality() {
        PropertyValue value = get(Quality.PROPERTY_KEY);
        if (value == null) {
            return Quality.GOOD;
        }
        Object raw = value.value() instanceof UntypedValue untyped ? untyped.raw() : value.value();
        return raw instanceof Integer || raw instanceof Long || raw instanceof Short
                ? Quality.ofCode(((Number) raw).longValue()) : null;
    }

    /** A copy with {@code key} set to {@code value} (replacing an existing entry). */
    public PropertySet with(String key, PropertyValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        ArrayList<String> newKeys = new ArrayList<>(keys);
        ArrayList<PropertyValue> newValues = new ArrayList<>(values);
        int index = newKeys.indexOf(key);
        if (index < 0) {
            newKeys.add(key);
            newValues.add(value);
        } else {
            newValues.set(index, value);
        }
        return new PropertySet(newKeys, newValues);
    }
}
