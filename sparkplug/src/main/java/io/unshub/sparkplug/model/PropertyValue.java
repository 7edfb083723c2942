package io.unshub.sparkplug.model;

/**
 * One property value. {@code type} is {@code null} when the message did not say (then {@code value} is an
 * {@link UntypedValue}); {@code value} is {@code null} when {@code isNull} or when no value was sent.
 * Nested sets: type PROPERTY_SET with a {@link PropertySet}, PROPERTY_SET_LIST with a {@code List<PropertySet>}.
 */
public record PropertyValue(DataType type, boolean isNull, Object value) {

    public static PropertyValue of(DataType type, Object value) {
        return new PropertyValue(type, value == null, value);
    }

    public static PropertyValue nullOf(DataType type) {
        return new PropertyValue(type, true, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PropertyValue other && type == other.type && isNull == other.isNull
                && Values.same(value, other.value);
    }

    @Override
    public int hashCode() {
        return (type == null ? 0 : type.hashCode()) * 31 + Boolean.hashCode(isNull) * 7 + Values.hash(value);
    }

    @Override
    public String toString() {
        return "PropertyValue[" + type + (isNull ? ", null" : "") + ", " + Values.show(value) + "]";
    }
}
