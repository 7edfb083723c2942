package io.unshub.sparkplug.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.unshub.sparkplug.model.DataSet;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.PropertySet;
import io.unshub.sparkplug.model.PropertyValue;
import io.unshub.sparkplug.model.Template;
import io.unshub.sparkplug.model.UntypedValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;

/**
 * Writes the hub's JSON value documents for Sparkplug metrics: {@code {"value":..,"timestamp_ms":..,
 * "quality":"good","datatype":"Float","unit":"degC"}} and the descriptive {@code _meta} document of a birth.
 * Sparkplug values map to JSON naturally: integers of every width (UInt64 as an exact number), floats,
 * booleans, strings; DateTime as ms; arrays as JSON arrays; Bytes and File as base64; DataSets as
 * {@code {"columns","types","rows"}}; Templates as {@code {"template_ref","members":{name:value}}}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ValueJson {

    private static final JsonFactory JSON = new JsonFactory();

    private ValueJson() {
    }

    /** The value document; {@code valueTimestamp} (may be null) is the value's own time when it differs. */
    public static byte[] value(Object value, boolean isNull, long timestampMs, String quality, DataType datatype,
                               String unit, Long valueTimestamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("value");
            writeValue(g, isNull ? null : value);
            g.writeNumberField("timestamp_ms", timestampMs);
            g.writeStringField("quality", quality);
            if (datatype != null) {
                g.writeStringField("datatype", datatype.sparkplugName());
            }
            if (unit != null) {
                g.writeStringField("unit", unit);
            }
            if (valueTimestamp != null && valueTimestamp != timestampMs) {
                g.writeNumberField("value_timestamp_ms", valueTimestamp);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The {@code _meta} document of a born metric. */
    public static byte[] meta(String group, String node, String device, Metric birth, String sparkplugTopic,
                              long birthMs, String unit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("source", "sparkplug");
            g.writeStringField("group", group);
            g.writeStringField("node", node);
            if (!device.isEmpty()) {
                g.writeStringField("device", device);
            }
            g.writeStringField("metric", birth.name());
            if (birth.datatype() != null) {
                g.writeStringField("datatype", birth.datatype().sparkplugName());
            }
            if (birth.alias() != null) {
                g.writeStringField("alias", Long.toUnsignedString(birth.alias()));
            }
            if (unit != null) {
                g.writeStringField("unit", unit);
            }
            if (birth.metadata() != null && birth.metadata().description() != null) {
                g.writeStringField("description", birth.metadata().description());
            }
            if (birth.isTransient()) {
                g.writeBooleanField("transient", true);
            }
            if (!birth.properties().isEmpty()) {
                g.writeFieldName("properties");
                writeProperties(g, birth.properties());
            }
            g.writeStringField("birth_topic", sparkplugTopic);
            g.writeNumberField("birth_ms", birthMs);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The unit a birth's properties declare ({@code engUnit}, as Ignition and the TCK write it, or {@code unit}). */
    public static String unitOf(PropertySet properties) {
        for (String key : new String[] {"engUnit", "unit", "Units"}) {
            PropertyValue v = properties.get(key);
            if (v != null && v.value() instanceof String s && !s.isEmpty()) {
                return s;
            }
        }
        return null;
    }

    static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Boolean b -> g.writeBoolean(b);
            case Byte b -> g.writeNumber(b);
            case Short s -> g.writeNumber(s);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case BigInteger b -> g.writeNumber(b);
            case Float f -> writeFloat(g, f.doubleValue(), f.isNaN() || f.isInfinite());
            case Double d -> writeFloat(g, d, d.isNaN() || d.isInfinite());
            case String s -> g.writeString(s);
            case byte[] bytes -> g.writeString(Base64.getEncoder().encodeToString(bytes));
            case short[] a -> {
                g.writeStartArray();
                for (short x : a) {
                    g.writeNumber(x);
                }
                g.writeEndArray();
            }
            case int[] a -> g.writeArray(a, 0, a.length);
            case long[] a -> g.writeArray(a, 0, a.length);
            case double[] a -> g.writeArray(a, 0, a.length);
            case float[] a -> {
                g.writeStartArray();
                for (float x : a) {
                    writeFloat(g, x, Float.isNaN(x) || Float.isInfinite(x));
                }
                g.writeEndArray();
            }
            case boolean[] a -> {
                g.writeStartArray();
                for (boolean x : a) {
                    g.writeBoolean(x);
                }
                g.writeEndArray();
            }
            case Object[] a -> {
                g.writeStartArray();
                for (Object x : a) {
                    writeValue(g, x);
                }
                g.writeEndArray();
            }
            case DataSet ds -> writeDataSet(g, ds);
            case Template t -> writeTemplate(g, t);
            case PropertySet ps -> writeProperties(g, ps);
            case UntypedValue u -> writeValue(g, u.raw());
            case List<?> list -> {
                g.writeStartArray();
                for (Object x : list) {
                    writeValue(g, x);
                }
                g.writeEndArray();
            }
            default -> g.writeString(v.toString());
        }
    }

    /** JSON has no NaN or infinity: they travel as strings, which JSON readers keep apart from numbers. */
    private static void writeFloat(JsonGenerator g, double d, boolean special) throws IOException {
        if (special) {
            g.writeString(Double.toString(d));
        } else {
            g.writeNumber(d);
        }
    }

    private static void writeDataSet(JsonGenerator g, DataSet ds) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("columns");
        for (String c : ds.columns()) {
            g.writeString(c);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("types");
        for (DataType t : ds.types()) {
            g.writeString(t == null ? "Unknown" : t.sparkplugName());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("rows");
        for (List<Object> row : ds.rows()) {
            g.writeStartArray();
            for (Object cell : row) {
                writeValue(g, cell);
            }
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeTemplate(JsonGenerator g, Template t) throws IOException {
        g.writeStartObject();
        if (t.templateRef() != null) {
            g.writeStringField("template_ref", t.templateRef());
        }
        if (t.version() != null) {
            g.writeStringField("version", t.version());
        }
        g.writeObjectFieldStart("members");
        for (Metric m : t.metrics()) {
            g.writeFieldName(m.name() == null ? "alias:" + m.alias() : m.name());
            writeValue(g, m.isNull() ? null : m.value());
        }
        g.writeEndObject();
        if (!t.parameters().isEmpty()) {
            g.writeObjectFieldStart("parameters");
            for (Template.Parameter p : t.parameters()) {
                g.writeFieldName(p.name() == null ? "" : p.name());
                writeValue(g, p.value());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeProperties(JsonGenerator g, PropertySet ps) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < ps.keys().size(); i++) {
            g.writeFieldName(ps.keys().get(i));
            PropertyValue v = ps.values().get(i);
            writeValue(g, v.isNull() ? null : v.value());
        }
        g.writeEndObject();
    }
}
