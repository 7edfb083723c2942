package io.unshub.sparkplug.codec;

import io.unshub.sparkplug.model.DataType;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.Date;

/** Converts between our value types and the Java types Eclipse Tahu 1.0.19 uses (digest §8.1). */
final class TahuValues {

    private TahuValues() {
    }

    /** Our value of {@code type} as Tahu's model holds it. */
    static Object toTahu(DataType type, Object value) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case DATETIME -> new Date((Long) value);
            case DATETIME_ARRAY -> {
                long[] in = (long[]) value;
                Date[] out = new Date[in.length];
                for (int i = 0; i < in.length; i++) {
                    out[i] = new Date(in[i]);
                }
                yield out;
            }
            default -> type.isArray() ? boxed(value) : value;
        };
    }

    /** Tahu's value of {@code type} in our types. */
    static Object fromTahu(DataType type, Object value) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case DATETIME -> ((Date) value).getTime();
            case DATETIME_ARRAY -> {
                Date[] in = (Date[]) value;
                long[] out = new long[in.length];
                for (int i = 0; i < in.length; i++) {
                    out[i] = in[i].getTime();
                }
                yield out;
            }
            case UINT64 -> value instanceof BigInteger ? value : new BigInteger(Long.toUnsignedString((Long) value));
            default -> type.isArray() ? unboxed(type, value) : value;
        };
    }

    private static Object boxed(Object primitiveArray) {
        if (!primitiveArray.getClass().getComponentType().isPrimitive()) {
            return primitiveArray;
        }
        int length = Array.getLength(primitiveArray);
        Class<?> boxedType = Array.get(Array.newInstance(primitiveArray.getClass().getComponentType(), 1), 0).getClass();
        Object out = Array.newInstance(boxedType, length);
        for (int i = 0; i < length; i++) {
            Array.set(out, i, Array.get(primitiveArray, i));
        }
        return out;
    }

    private static Object unboxed(DataType type, Object boxedArray) {
        Class<?> component = type.javaType().getComponentType();
        if (!component.isPrimitive()) {
            return boxedArray;
        }
        int length = Array.getLength(boxedArray);
        Object out = Array.newInstance(component, length);
        for (int i = 0; i < length; i++) {
            Array.set(out, i, Array.get(boxedArray, i));
        }
        return out;
    }
}
