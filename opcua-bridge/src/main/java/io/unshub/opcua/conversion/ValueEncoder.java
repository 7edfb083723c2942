package io.unshub.opcua.conversion;

import io.unshub.opcua.config.ConnectionConfig.TimestampSource;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/**
 * Turns a DataValue into the hub's JSON value (product.md):
 * {@code {"value":42.5,"timestamp_ms":...,"quality":"good","status":"0x00000000","status_code":0,"datatype":"Double",
 * "unit":"degC"}}. Quality comes from the StatusCode severity (top two bits); the raw code is kept as hex text
 * ({@code status}, as OPC UA documents write it) and as the integer the {@code uns-value} contract names
 * ({@code status_code}). One buffer is
 * reused for every value; the encoder is called by one thread at a time (the connection's subscription
 * delivery, or its worker when it marks tags bad), which the {@code synchronized} methods make safe cheaply.
 */
public final class ValueEncoder {

    private final JsonBuffer buffer = new JsonBuffer();
    private final TimestampSource timestampSource;

    public ValueEncoder(TimestampSource timestampSource) {
        this.timestampSource = timestampSource;
    }

    public static String quality(long statusCode) {
        long severity = statusCode >>> 30 & 0x3;
        return severity == 0 ? "good" : severity == 1 ? "uncertain" : "bad";
    }

    /** The epoch milliseconds a DataValue is stamped with: the configured timestamp, else the other, else now. */
    public long timestampMillis(DataValue value) {
        DateTime first = timestampSource == TimestampSource.source ? value.getSourceTime() : value.getServerTime();
        DateTime second = timestampSource == TimestampSource.source ? value.getServerTime() : value.getSourceTime();
        if (usable(first)) {
            return first.getJavaTime();
        }
        if (usable(second)) {
            return second.getJavaTime();
        }
        return System.currentTimeMillis();
    }

    private static boolean usable(DateTime t) {
        return t != null && !t.isNull() && t.isValid();
    }

    public synchronized byte[] encode(DataValue value, String unit) {
        StatusCode status = value.getStatusCode();
        long code = status == null ? 0 : status.getValue();
        Object v = value.getValue() == null ? null : value.getValue().getValue();
        return encode(v, timestampMillis(value), code, unit);
    }

    /** A value with an explicit status, e.g. the last known value marked bad when the connection is lost. */
    public synchronized byte[] encode(Object value, long timestampMillis, long statusCode, String unit) {
        JsonBuffer out = buffer.reset();
        out.raw('{').key("value");
        VariantJson.write(out, value);
        out.raw(',').key("timestamp_ms").number(timestampMillis);
        out.raw(',').key("quality").raw('"').raw(quality(statusCode)).raw('"');
        out.raw(',').key("status").hex32(statusCode);
        out.raw(',').key("status_code").number(statusCode);
        String datatype = VariantJson.datatype(value);
        if (datatype != null) {
            out.raw(',').key("datatype").string(datatype);
        }
        if (unit != null) {
            out.raw(',').key("unit").string(unit);
        }
        out.raw('}');
        return out.toBytes();
    }
}
