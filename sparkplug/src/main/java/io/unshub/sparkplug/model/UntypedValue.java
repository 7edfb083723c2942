package io.unshub.sparkplug.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A value whose datatype the message did not say: DATA and CMD metrics usually omit {@code datatype}
 * (the birth declared it), so the decoder keeps the raw wire value until someone who knows the birth
 * interprets it with {@link io.unshub.sparkplug.codec.ValueInterpreter#interpret(DataType, UntypedValue)}
 * (or decodes with a {@link io.unshub.sparkplug.codec.DatatypeLookup} in the first place).
 *
 * @param field which value field of the wire message was set
 * @param raw   the raw content: {@link Integer} bits for INT, {@link Long} bits for LONG, {@link Float},
 *              {@link Double}, {@link Boolean}, {@link String}, {@code byte[]} for BYTES, {@link DataSet},
 *              {@link Template}, {@link PropertySet}, {@code List<PropertySet>}
 */
public record UntypedValue(Field field, Object raw) {

    /** The value fields of Metric, PropertyValue, DataSetValue and Template.Parameter. */
    public enum Field { INT, LONG, FLOAT, DOUBLE, BOOLEAN, STRING, BYTES, DATASET, TEMPLATE, PROPERTY_SET, PROPERTY_SET_LIST }

    public UntypedValue {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(raw, "raw");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UntypedValue other && field == other.field && Objects.deepEquals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return 31 * field.hashCode() + (raw instanceof byte[] bytes ? Arrays.hashCode(bytes) : raw.hashCode());
    }

    @Override
    public String toString() {
        return "UntypedValue[" + field + "=" + (raw instanceof byte[] bytes ? Arrays.toString(bytes) : raw) + "]";
    }
}
