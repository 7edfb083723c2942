package io.unshub.sparkplug.codec;

import io.unshub.sparkplug.model.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * Turns a value from the UNS side (what Jackson reads from a {@code _cmd} JSON: Integer, Long, BigInteger, Double,
 * BigDecimal, String, Boolean, List) into the Java value a Sparkplug datatype needs, for NCMD/DCMD. Exact
 * conversions only: a fraction for an integer type, an out-of-range number or a non-numeric string is refused
 * with a reason instead of being rounded or wrapped.
 */
public final class ValueCoercion {

    private ValueCoercion() {
    }

    /**
     * @throws IllegalArgumentException naming the datatype and the offending value
     */
    public static Object coerce(DataType type, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(type.sparkplugName() + " value is null");
        }
        return switch (type) {
            case INT8 -> (byte) range(type, integer(type, value), Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INT16 -> (short) range(type, integer(type, value), Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> (int) range(type, integer(type, value), Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64, DATETIME -> range(type, integer(type, value), Long.MIN_VALUE, Long.MAX_VALUE);
            case UINT8 -> (short) range(type, integer(type, value), 0, 0xFF);
            case UINT16 -> (int) range(type, integer(type, value), 0, 0xFFFF);
            case UINT32 -> range(type, integer(type, value), 0, 0xFFFF_FFFFL);
            case UINT64 -> {
                BigInteger big = integer(type, value);
                if (big.signum() < 0 || big.bitLength() > 64) {
                    throw new IllegalArgumentException("UInt64 value " + big + " outside 0..2^64-1");
                }
                yield big;
            }
            case FLOAT -> {
                double d = decimal(type, value);
                float f = (float) d;
                if (Float.isInfinite(f) && !Double.isInfinite(d)) {
                    throw new IllegalArgumentException("Float value " + value + " is out of range");
                }
                yield f;
            }
            case DOUBLE -> decimal(type, value);
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    yield b;
                }
                if (value instanceof String s && (s.equals("true") || s.equals("false"))) {
                    yield Boolean.valueOf(s);
                }
                if (value instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
                    yield n.doubleValue() == 1;
                }
                throw new IllegalArgumentException("Boolean value " + value + " is not true/false");
            }
            case STRING, TEXT, UUID -> {
                if (value instanceof String s) {
                    yield s;
                }
                if (value instanceof Number || value instanceof Boolean) {
                    yield value.toString();
                }
                throw new IllegalArgumentException(type.sparkplugName() + " value " + value + " is not a string");
            }
            case INT8_ARRAY, INT16_ARRAY, INT32_ARRAY, INT64_ARRAY, UINT8_ARRAY, UINT16_ARRAY, UINT32_ARRAY,
                 UINT64_ARRAY, FLOAT_ARRAY, DOUBLE_ARRAY, BOOLEAN_ARRAY, STRING_ARRAY, DATETIME_ARRAY -> array(type, value);
            default -> throw new IllegalArgumentException("writing " + type.sparkplugName() + " metrics is not supported");
        };
    }

    private static Object array(DataType type, Object value) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(type.sparkplugName() + " value must be a JSON array");
        }
        // Int8Array (22) .. DateTimeArray (34) list their element types in the order Int8 (1) .. DateTime (13).
        DataType element = DataType.ofCode(type.code() - DataType.INT8_ARRAY.code() + DataType.INT8.code());
        Object out = java.lang.reflect.Array.newInstance(type.javaType().getComponentType(), list.size());
        for (int i = 0; i < list.size(); i++) {
            Object coerced = coerce(element, list.get(i));
            java.lang.reflect.Array.set(out, i, coerced);
        }
        return out;
    }

    private static long range(DataType type, BigInteger value, long min, long max) {
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new IllegalArgumentException(type.sparkplugName() + " value " + value + " outside " + min + ".." + max);
        }
        return value.longValue();
    }

    private static BigInteger integer(DataType type, Object value) {
        try {
            BigDecimal decimal = switch (value) {
                case BigInteger b -> new BigDecimal(b);
                case BigDecimal d -> d;
                case Double d -> new BigDecimal(d);
                case Float f -> new BigDecimal(f);
                case Number n -> BigDecimal.valueOf(n.longValue());
                case String s -> new BigDecimal(s.trim());
                default -> throw new IllegalArgumentException(type.sparkplugName() + " value " + value + " is not a number");
            };
            return decimal.toBigIntegerExact();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(type.sparkplugName() + " value " + value + " is not a number");
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(type.sparkplugName() + " value " + value + " is not an integer");
        }
    }

    private static double decimal(DataType type, Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(type.sparkplugName() + " value " + value + " is not a number");
            }
        }
        throw new IllegalArgumentException(type.sparkplugName() + " value " + value + " is not a number");
    }
}
