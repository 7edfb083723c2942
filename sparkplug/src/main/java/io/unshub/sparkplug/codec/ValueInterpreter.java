package io.unshub.sparkplug.codec;

import io.unshub.sparkplug.model.DataSet;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.PropertySet;
import io.unshub.sparkplug.model.Template;
import io.unshub.sparkplug.model.UntypedValue;
import io.unshub.sparkplug.model.UntypedValue.Field;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns a wire value field into the Java value of a datatype, with the tolerance real peers need: integers are
 * accepted from {@code int_value} or {@code long_value} (UInt32 comes in either, digest P5), signed types are
 * truncated to their width and reinterpreted (sign-extended Int8/16/32, P7), unsigned ones masked.
 */
public final class ValueInterpreter {

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private ValueInterpreter() {
    }

    /**
     * Interprets a value the message left untyped with the datatype the birth declared.
     *
     * @throws IllegalArgumentException when the wire field cannot carry that datatype (the message says why)
     */
    public static Object interpret(DataType type, UntypedValue value) {
        try {
            return switch (value.field()) {
                case INT -> typed(type, Field.INT, ((Integer) value.raw()).intValue(), null);
                case LONG -> typed(type, Field.LONG, ((Long) value.raw()).longValue(), null);
                default -> typed(type, value.field(), 0, value.raw());
            };
        } catch (MalformedException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /**
     * The typed value of one wire field.
     *
     * @param bits the field's bits for INT (as an int) and LONG
     * @param ref  the field's content for every other field ({@link ByteBuffer} or {@code byte[]} for BYTES)
     */
    static Object typed(DataType type, Field field, long bits, Object ref) throws MalformedException {
        switch (type) {
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, DATETIME -> {
                if (field != Field.INT && field != Field.LONG) {
                    throw mismatch(type, field);
                }
                // int_value is a uint32: its bits are the low 32 of the long we were given.
                long unsignedBits = field == Field.INT ? bits & 0xFFFF_FFFFL : bits;
                return switch (type) {
                    case INT8 -> (byte) bits;
                    case INT16 -> (short) bits;
                    case INT32 -> (int) bits;
                    case INT64 -> field == Field.INT ? (long) (int) bits : bits;
                    case UINT8 -> (short) (bits & 0xFF);
                    case UINT16 -> (int) (bits & 0xFFFF);
                    case UINT32 -> bits & 0xFFFF_FFFFL;
                    case UINT64 -> unsignedBits >= 0 ? BigInteger.valueOf(unsignedBits)
                            : BigInteger.valueOf(unsignedBits).add(TWO_TO_64);
                    default -> unsignedBits; // DATETIME
                };
            }
            case FLOAT -> {
                return expect(type, field, Field.FLOAT, ref);
            }
            case DOUBLE -> {
                return expect(type, field, Field.DOUBLE, ref);
            }
            case BOOLEAN -> {
                return expect(type, field, Field.BOOLEAN, ref);
            }
            case STRING, TEXT, UUID -> {
                return expect(type, field, Field.STRING, ref);
            }
            case BYTES, FILE -> {
                expect(type, field, Field.BYTES, ref);
                return ref instanceof ByteBuffer buffer ? copy(buffer) : ref;
            }
            case DATASET -> {
                return (DataSet) expect(type, field, Field.DATASET, ref);
            }
            case TEMPLATE -> {
                return (Template) expect(type, field, Field.TEMPLATE, ref);
            }
            case PROPERTY_SET -> {
                return (PropertySet) expect(type, field, Field.PROPERTY_SET, ref);
            }
            case PROPERTY_SET_LIST -> {
                return (List<?>) expect(type, field, Field.PROPERTY_SET_LIST, ref);
            }
            case UNKNOWN -> throw new MalformedException("datatype Unknown (0) has no value");
            default -> {
                expect(type, field, Field.BYTES, ref);
                ByteBuffer buffer = ref instanceof ByteBuffer b ? b : ByteBuffer.wrap((byte[]) ref);
                return ArrayCodec.decode(type, buffer);
            }
        }
    }

    private static Object expect(DataType type, Field field, Field wanted, Object ref) throws MalformedException {
        if (field != wanted) {
            throw mismatch(type, field);
        }
        return ref;
    }

    private static byte[] copy(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static MalformedException mismatch(DataType type, Field field) {
        return new MalformedException("datatype " + type.sparkplugName() + " cannot be carried in "
                + field.name().toLowerCase(java.util.Locale.ROOT) + "_value");
    }
}
