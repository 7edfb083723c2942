package io.unshub.opcua.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.unshub.opcua.config.WriteConfig.WriteType;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Turns the JSON value of a command into a Variant of the configured OPC UA type, refusing anything that does
 * not fit exactly (a fraction for an integer, a number out of range, text for a number) instead of guessing.
 * Stateless.
 */
public final class ValueCoercer {

    private ValueCoercer() {
    }

    /** Thrown when a command's value does not fit the configured type. */
    public static final class CoercionException extends Exception {
        CoercionException(String message) {
            super(message);
        }
    }

    public static Variant coerce(JsonNode value, WriteType type) throws CoercionException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new CoercionException("the command has no value");
        }
        return new Variant(switch (type) {
            case Boolean -> {
                if (!value.isBoolean()) {
                    throw mismatch(value, type);
                }
                yield value.booleanValue();
            }
            case SByte -> (byte) integer(value, type, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case Byte -> UByte.valueOf(integer(value, type, 0, 255));
            case Int16 -> (short) integer(value, type, Short.MIN_VALUE, Short.MAX_VALUE);
            case UInt16 -> UShort.valueOf((int) integer(value, type, 0, 65_535));
            case Int32 -> (int) integer(value, type, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UInt32 -> UInteger.valueOf(integer(value, type, 0, 4_294_967_295L));
            case Int64 -> integer(value, type, Long.MIN_VALUE, Long.MAX_VALUE);
            case UInt64 -> {
                BigInteger big = bigInteger(value, type);
                if (big.signum() < 0 || big.bitLength() > 64) {
                    throw new CoercionException(value + " is out of range for UInt64");
                }
                yield ULong.valueOf(big);
            }
            case Float -> {
                double d = number(value, type);
                if (Math.abs(d) > java.lang.Float.MAX_VALUE) {
                    throw new CoercionException(value + " is out of range for Float");
                }
                yield (float) d;
            }
            case Double -> number(value, type);
            case String -> {
                if (!value.isTextual()) {
                    throw mismatch(value, type);
                }
                yield value.textValue();
            }
            case DateTime -> {
                if (value.isIntegralNumber()) {
                    yield new DateTime(Instant.ofEpochMilli(value.longValue()));
                }
                if (!value.isTextual()) {
                    throw mismatch(value, type);
                }
                try {
                    yield new DateTime(Instant.parse(value.textValue()));
                } catch (DateTimeParseException e) {
                    throw new CoercionException("'" + value.textValue() + "' is not an ISO-8601 instant");
                }
            }
            case ByteString -> {
                if (!value.isTextual()) {
                    throw mismatch(value, type);
                }
                try {
                    yield ByteString.of(Base64.getDecoder().decode(value.textValue()));
                } catch (IllegalArgumentException e) {
                    throw new CoercionException("the ByteString value is not base64");
                }
            }
        });
    }

    private static long integer(JsonNode value, WriteType type, long min, long max) throws CoercionException {
        BigInteger big = bigInteger(value, type);
        if (big.compareTo(BigInteger.valueOf(min)) < 0 || big.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new CoercionException(value + " is out of range for " + type);
        }
        return big.longValue();
    }

    private static BigInteger bigInteger(JsonNode value, WriteType type) throws CoercionException {
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue();
        }
        if (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0) {
            return value.decimalValue().toBigIntegerExact();
        }
        throw mismatch(value, type);
    }

    private static double number(JsonNode value, WriteType type) throws CoercionException {
        if (!value.isNumber()) {
            throw mismatch(value, type);
        }
        return value.doubleValue();
    }

    private static CoercionException mismatch(JsonNode value, WriteType type) {
        return new CoercionException(value + " cannot be written as " + type);
    }
}
