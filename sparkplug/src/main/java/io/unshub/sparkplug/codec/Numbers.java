package io.unshub.sparkplug.codec;

import java.math.BigInteger;

/** Range checks for the encode path: a value that does not fit its datatype is a caller error. */
final class Numbers {

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private Numbers() {
    }

    /** The uint64 bit pattern of a value in 0..2^64-1. */
    static long unsigned64(BigInteger value) {
        if (value.signum() < 0 || value.compareTo(TWO_TO_64) >= 0) {
            throw new IllegalArgumentException("UInt64 value " + value + " outside 0..2^64-1");
        }
        return value.longValue();
    }

    static long inRange(String type, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(type + " value " + value + " outside " + min + ".." + max);
        }
        return value;
    }
}
