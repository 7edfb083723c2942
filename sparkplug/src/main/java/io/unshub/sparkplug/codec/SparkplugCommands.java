package io.unshub.sparkplug.codec;

import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.SparkplugPayload;
import java.util.List;

/**
 * Payloads of the NCMD/DCMD a host sends (digest §3.6, P9): a timestamp, no seq, every metric with its datatype,
 * addressed by name or by alias. The caller publishes them with QoS 0, retain false.
 */
public final class SparkplugCommands {

    private SparkplugCommands() {
    }

    /** The rebirth request: {@code Node Control/Rebirth} = true (Boolean), by name, never by alias. */
    public static SparkplugPayload rebirth(long timestamp) {
        return SparkplugPayload.of(timestamp,
                List.of(Metric.of(SparkplugPayload.NODE_CONTROL_REBIRTH, DataType.BOOLEAN, Boolean.TRUE)));
    }

    /** A write of one metric addressed by name; {@code value} of the datatype's Java type (see {@link ValueCoercion}). */
    public static SparkplugPayload write(long timestamp, String name, DataType datatype, Object value) {
        return SparkplugPayload.of(timestamp, List.of(Metric.of(name, datatype, value).withTimestamp(timestamp)));
    }

    /** A write of one metric addressed by alias only (the specification's form when the node uses aliases). */
    public static SparkplugPayload write(long timestamp, long alias, DataType datatype, Object value) {
        return SparkplugPayload.of(timestamp, List.of(Metric.ofAlias(alias, datatype, value).withTimestamp(timestamp)));
    }

    /** A write of several metrics (each already carrying name and/or alias and its datatype). */
    public static SparkplugPayload write(long timestamp, List<Metric> metrics) {
        for (Metric metric : metrics) {
            if (metric.datatype() == null) {
                throw new IllegalArgumentException("command metric " + metric.name() + " has no datatype");
            }
        }
        return SparkplugPayload.of(timestamp, metrics);
    }
}
