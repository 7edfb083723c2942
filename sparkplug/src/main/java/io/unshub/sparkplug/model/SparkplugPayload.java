package io.unshub.sparkplug.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A decoded Sparkplug B payload (of NBIRTH, NDATA, NDEATH, DBIRTH, DDATA, DDEATH, NCMD or DCMD), independent of
 * protobuf. Compressed payloads ({@code uuid = "SPBV1.0_COMPRESSED"}) arrive here already unwrapped: the fields
 * are the inner payload's.
 *
 * @param timestamp ms since the epoch (UTC) of publishing, {@code null} when absent
 * @param seq       the sequence number, {@code null} when absent (NDEATH, NCMD, DCMD must not carry one); the
 *                  wire allows any uint64, the decoder rejects values above 255
 * @param uuid      {@code null} when absent
 * @param body      {@code null} when absent; must not be mutated
 */
public record SparkplugPayload(Long timestamp, Long seq, String uuid, byte[] body, List<Metric> metrics) {

    /** The metric the specification names for the birth/death sequence number. */
    public static final String BD_SEQ = "bdSeq";
    /** The metric a host sets to {@code true} in an NCMD to request a rebirth. */
    public static final String NODE_CONTROL_REBIRTH = "Node Control/Rebirth";

    public SparkplugPayload {
        metrics = List.copyOf(metrics);
    }

    /** A payload with a timestamp and metrics, no seq (NCMD, DCMD, NDEATH). */
    public static SparkplugPayload of(long timestamp, List<Metric> metrics) {
        return new SparkplugPayload(timestamp, null, null, null, metrics);
    }

    /** A payload with a timestamp, a seq and metrics (births, data, DDEATH). */
    public static SparkplugPayload of(long timestamp, long seq, List<Metric> metrics) {
        return new SparkplugPayload(timestamp, seq, null, null, metrics);
    }

    /** The first metric with this name, or {@code null}. */
    public Metric metric(String name) {
        for (Metric metric : metrics) {
            if (name.equals(metric.name())) {
                return metric;
            }
        }
        return null;
    }

    /**
     * The {@code bdSeq} metric's value as a number, read from whichever integer field carried it (Int64 per the
     * specification, UInt64 or others in the field); {@code null} when there is no named bdSeq metric with an
     * integer value. An alias-only bdSeq in an NDEATH has to be resolved by the caller through the birth.
     */
    public Long bdSeq() {
        Metric metric = metric(BD_SEQ);
        if (metric == null) {
            return null;
        }
        Object value = metric.value() instanceof UntypedValue untyped ? untyped.raw() : metric.value();
        return value instanceof Number number && !(value instanceof Float) && !(value instanceof Double)
                ? number.longValue() : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparkplugPayload other && Objects.equals(timestamp, other.timestamp)
                && Objects.equals(seq, other.seq) && Objects.equals(uuid, other.uuid)
                && Arrays.equals(body, other.body) && metrics.equals(other.metrics);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, seq, uuid, metrics) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "SparkplugPayload[timestamp=" + timestamp + ", seq=" + seq + (uuid == null ? "" : ", uuid=" + uuid)
                + (body == null ? "" : ", body=" + body.length + " bytes") + ", metrics=" + metrics + "]";
    }
}
