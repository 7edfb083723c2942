package io.unshub.sparkplug.codec;

import io.unshub.sparkplug.model.DataType;

/**
 * Supplies the datatype a birth declared for a metric, so that the decoder can type the values of DATA and CMD
 * metrics that leave the datatype out (the specification says they should). Called on the decoding thread,
 * only for top-level metrics without a datatype.
 */
@FunctionalInterface
public interface DatatypeLookup {

    /** Never resolves anything: values of datatype-less metrics stay {@link io.unshub.sparkplug.model.UntypedValue}s. */
    DatatypeLookup NONE = (name, alias) -> null;

    /**
     * @param name  the metric name, {@code null} when the metric is addressed by alias only
     * @param alias the alias, {@code null} when absent
     * @return the birth's datatype, or {@code null} when unknown (the value then stays untyped; it also stays
     *         untyped, with a {@code null} datatype, when the value's wire field cannot carry the returned type)
     */
    DataType datatypeOf(String name, Long alias);
}
