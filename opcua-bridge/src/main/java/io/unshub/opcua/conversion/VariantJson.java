package io.unshub.opcua.conversion;

import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.DiagnosticInfo;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.Matrix;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.XmlElement;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

import java.lang.reflect.Array;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Writes the value of an OPC UA Variant as JSON, faithfully for every built-in type: integers of every width
 * as numbers (UInt64 unsigned), floats as numbers, DateTime as ISO-8601, ByteString as base64, LocalizedText
 * as {@code {"locale","text"}}, QualifiedName as {@code {"ns","name"}}, NodeId and ExpandedNodeId in their
 * parseable string form, StatusCode as {@code "0x80340000"}, arrays as JSON arrays (matrices nested).
 * Stateless.
 */
public final class VariantJson {

    private VariantJson() {
    }

    /** The OPC UA built-in type name of a value, {@code Double[]} for arrays, {@code null} for null. */
    public static String datatype(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Matrix m) {
            Object elements = m.getElements();
            return elements == null ? "Matrix" : datatype(elements);
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            Class<?> component = type.getComponentType();
            while (component.isArray()) {
                component = component.getComponentType();
            }
            return name(component) + "[]";
        }
        return name(type);
    }

    private static String name(Class<?> type) {
        Class<?> boxed = switch (type.getName()) {
            case "boolean" -> Boolean.class;
            case "byte" -> Byte.class;
            case "short" -> Short.class;
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "float" -> Float.class;
            case "double" -> Double.class;
            default -> type;
        };
        OpcUaDataType dataType = OpcUaDataType.fromBackingClass(boxed);
        if (dataType != null) {
            return dataType.name();
        }
        if (ExtensionObject.class.isAssignableFrom(boxed)) {
            return "ExtensionObject";
        }
        return boxed.getSimpleName();
    }

    public static void write(JsonBuffer out, Object value) {
        switch (value) {
            case null -> out.nul();
            case Boolean b -> out.bool(b);
            case Byte b -> out.number((long) b);
            case Short s -> out.number((long) s);
            case Integer i -> out.number((long) i);
            case Long l -> out.number((long) l);
            case UByte u -> out.number(u.longValue());
            case UShort u -> out.number(u.longValue());
            case UInteger u -> out.number(u.longValue());
            case ULong u -> out.unsigned(u.longValue());
            case Float f -> out.number((float) f);
            case Double d -> out.number((double) d);
            case String s -> out.string(s);
            case DateTime t -> dateTime(out, t);
            case ByteString b -> base64(out, b.bytesOrEmpty());
            case LocalizedText t -> {
                out.raw('{').key("locale");
                nullable(out, t.getLocale());
                out.raw(',').key("text");
                nullable(out, t.getText());
                out.raw('}');
            }
            case QualifiedName q -> {
                out.raw('{').key("ns").number(q.getNamespaceIndex().longValue()).raw(',').key("name");
                nullable(out, q.getName());
                out.raw('}');
            }
            case NodeId n -> out.string(n.toParseableString());
            case ExpandedNodeId n -> out.string(n.toParseableString());
            case StatusCode s -> out.hex32(s.getValue());
            case UUID g -> out.string(g.toString());
            case XmlElement x -> nullable(out, x.getFragment());
            case Variant v -> write(out, v.getValue());
            case DataValue dv -> write(out, dv.getValue().getValue());
            case Matrix m -> write(out, m.getElements());
            case ExtensionObject x -> extension(out, x);
            case DiagnosticInfo d -> out.string(d.toString());
            default -> {
                if (value.getClass().isArray()) {
                    array(out, value);
                } else {
                    out.string(value.toString());
                }
            }
        }
    }

    private static void array(JsonBuffer out, Object array) {
        out.raw('[');
        int n = Array.getLength(array);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.raw(',');
            }
            write(out, Array.get(array, i));
        }
        out.raw(']');
    }

    private static void nullable(JsonBuffer out, String s) {
        if (s == null) {
            out.nul();
        } else {
            out.string(s);
        }
    }

    private static void dateTime(JsonBuffer out, DateTime t) {
        if (t.isNull()) {
            out.nul();
        } else {
            Instant instant = t.getJavaInstant();
            out.string(instant.toString());
        }
    }

    private static void base64(JsonBuffer out, byte[] bytes) {
        out.string(Base64.getEncoder().encodeToString(bytes));
    }

    /** A structure the hub cannot decode without its type dictionary: its encoding id and raw body. */
    private static void extension(JsonBuffer out, ExtensionObject x) {
        out.raw('{').key("encoding_id").string(String.valueOf(x.getEncodingOrTypeId()));
        Object body = x.getBody();
        if (body instanceof ByteString b) {
            out.raw(',').key("body");
            base64(out, b.bytesOrEmpty());
        } else if (body != null) {
            out.raw(',').key("body").string(body.toString());
        }
        out.raw('}');
    }
}
