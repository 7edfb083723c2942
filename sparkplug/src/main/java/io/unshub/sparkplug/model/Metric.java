package io.unshub.sparkplug.model;

import java.util.Objects;

/**
 * One metric of a payload.
 *
 * @param name         the metric name, {@code null} when addressed by alias only (DATA/CMD with aliases)
 * @param alias        the alias (uint64, unsigned bit pattern), {@code null} when absent
 * @param timestamp    ms since the epoch (UTC) when the value was acquired, {@code null} when absent
 * @param datatype     {@code null} when the message did not carry one (usual in DATA/CMD): then a non-null
 *                     {@code value} is an {@link UntypedValue} to interpret with the birth's datatype. A code
 *                     3.0 does not define decodes as {@link DataType#UNKNOWN} with an untyped value.
 * @param value        the typed value (Java type per {@link DataType}), or {@code null} when {@code isNull} or
 *                     when the message carried no value
 * @param isHistorical the value is not a live value (store and forward, backfill): store, do not update live
 * @param isTransient  the value should not be historized
 * @param isNull       the value is null
 * @param properties   never {@code null}; {@link PropertySet#EMPTY} when absent
 * @param metadata     {@code null} when absent
 */
public record Metric(String name, Long alias, Long timestamp, DataType datatype, Object value,
                     boolean isHistorical, boolean isTransient, boolean isNull, PropertySet properties,
                     MetaData metadata) {

    public Metric {
        if (properties == null) {
            properties = PropertySet.EMPTY;
        }
    }

    /** A named metric with a datatype and a value ({@code null} value = is_null). */
    public static Metric of(String name, DataType datatype, Object value) {
        return new Metric(name, null, null, datatype, value, false, false, value == null, PropertySet.EMPTY, null);
    }

    /** An alias-only metric with a datatype and a value ({@code null} value = is_null). */
    public static Metric ofAlias(long alias, DataType datatype, Object value) {
        return new Metric(null, alias, null, datatype, value, false, false, value == null, PropertySet.EMPTY, null);
    }

    public Metric withName(String newName) {
        return new Metric(newName, alias, timestamp, datatype, value, isHistorical, isTransient, isNull, properties, metadata);
    }

    public Metric withAlias(Long newAlias) {
        return new Metric(name, newAlias, timestamp, datatype, value, isHistorical, isTransient, isNull, properties, metadata);
    }

    public Metric withTimestamp(Long newTimestamp) {
        return new Metric(name, alias, newTimestamp, datatype, value, isHistorical, isTransient, isNull, properties, metadata);
    }

    /** Same metric with a (re)interpreted datatype and value, e.g. after looking the datatype up in the birth. */
    public Metric withValue(DataType newDatatype, Object newValue) {
        return new Metric(name, alias, timestamp, newDatatype, newValue, isHistorical, isTransient,
                newValue == null && isNull, properties, metadata);
    }

    public Metric withFlags(boolean historical, boolean transientValue) {
        return new Metric(name, alias, timestamp, datatype, value, historical, transientValue, isNull, properties, metadata);
    }

    public Metric withProperties(PropertySet newProperties) {
        return new Metric(name, alias, timestamp, datatype, value, isHistorical, isTransient, isNull, newProperties, metadata);
    }

    public Metric withMetadata(MetaData newMetadata) {
        return new Metric(name, alias, timestamp, datatype, value, isHistorical, isTransient, isNull, properties, newMetadata);
    }

    /** True when the message left the datatype to the birth and the value still needs interpreting. */
    public boolean isUntyped() {
        return value instanceof UntypedValue;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metric other
                && Objects.equals(name, other.name) && Objects.equals(alias, other.alias)
                && Objects.equals(timestamp, other.timestamp) && datatype == other.datatype
                && Values.same(value, other.value) && isHistorical == other.isHistorical
                && isTransient == other.isTransient && isNull == other.isNull
                && properties.equals(other.properties) && Objects.equals(metadata, other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, alias, timestamp, datatype, isHistorical, isTransient, isNull, properties,
                metadata) * 31 + Values.hash(value);
    }

    @Override
    public String toString() {
        return "Metric[name=" + name + ", alias=" + alias + ", timestamp=" + timestamp + ", datatype=" + datatype
                + ", value=" + Values.show(value) + (isHistorical ? ", historical" : "") + (isTransient ? ", transient" : "")
                + (isNull ? ", null" : "") + (properties.isEmpty() ? "" : ", properties=" + properties)
                + (metadata == null ? "" : ", metadata=" + metadata) + "]";
    }
}
