package io.unshub.sparkplug.codec;

import io.unshub.sparkplug.model.DataType;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The array datatypes' {@code bytes_value} layout (digest §2.5, the corrected 3.0.1 examples): fixed-width
 * elements little-endian; BooleanArray a 4-byte little-endian count then bits MSB first; StringArray UTF-8
 * strings each followed by a NUL byte.
 */
final class ArrayCodec {

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private ArrayCodec() {
    }

    static Object decode(DataType type, ByteBuffer source) throws MalformedException {
        ByteBuffer in = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = in.remaining();
        switch (type) {
            case INT8_ARRAY -> {
                byte[] out = new byte[length];
                in.get(out);
                return out;
            }
            case UINT8_ARRAY -> {
                short[] out = new short[length];
                for (int i = 0; i < length; i++) {
                    out[i] = (short) (in.get() & 0xFF);
                }
                return out;
            }
            case INT16_ARRAY, UINT16_ARRAY -> {
                int n = count(type, length, 2);
                if (type == DataType.INT16_ARRAY) {
                    short[] out = new short[n];
                    in.asShortBuffer().get(out);
                    return out;
                }
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = in.getShort() & 0xFFFF;
                }
                return out;
            }
            case INT32_ARRAY, UINT32_ARRAY -> {
                int n = count(type, length, 4);
                if (type == DataType.INT32_ARRAY) {
                    int[] out = new int[n];
                    in.asIntBuffer().get(out);
                    return out;
                }
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = in.getInt() & 0xFFFF_FFFFL;
                }
                return out;
            }
            case INT64_ARRAY, DATETIME_ARRAY -> {
                long[] out = new long[count(type, length, 8)];
                in.asLongBuffer().get(out);
                return out;
            }
            case UINT64_ARRAY -> {
                BigInteger[] out = new BigInteger[count(type, length, 8)];
                for (int i = 0; i < out.length; i++) {
                    long bits = in.getLong();
                    out[i] = bits >= 0 ? BigInteger.valueOf(bits) : BigInteger.valueOf(bits).add(TWO_TO_64);
                }
                return out;
            }
            case FLOAT_ARRAY -> {
                float[] out = new float[count(type, length, 4)];
                in.asFloatBuffer().get(out);
                return out;
            }
            case DOUBLE_ARRAY -> {
                double[] out = new double[count(type, length, 8)];
                in.asDoubleBuffer().get(out);
                return out;
            }
            case BOOLEAN_ARRAY -> {
                if (length < 4) {
                    throw new MalformedException("BooleanArray of " + length + " bytes has no 4-byte element count");
                }
                long n = in.getInt() & 0xFFFF_FFFFL;
                if ((n + 7) / 8 != length - 4) {
                    throw new MalformedException("BooleanArray of " + n + " elements needs " + (n + 7) / 8
                            + " bytes of bits, has " + (length - 4));
                }
                boolean[] out = new boolean[(int) n];
                int base = in.position();
                for (int i = 0; i < n; i++) {
                    out[i] = (in.get(base + (i >>> 3)) & (0x80 >>> (i & 7))) != 0;
                }
                return out;
            }
            case STRING_ARRAY -> {
                List<String> out = new ArrayList<>();
                int start = in.position();
                int end = in.limit();
                for (int i = start; i < end; i++) {
                    if (in.get(i) == 0) {
                        out.add(utf8(in, start, i));
                        start = i + 1;
                    }
                }
                if (start != end) {
                    throw new MalformedException("StringArray element at byte " + (start - in.position())
                            + " is not NUL-terminated");
                }
                return out.toArray(new String[0]);
            }
            default -> throw new MalformedException(type.sparkplugName() + " is not an array datatype");
        }
    }

    private static int count(DataType type, int length, int width) throws MalformedException {
        if (length % width != 0) {
            throw new MalformedException(type.sparkplugName() + " of " + length + " bytes is not a multiple of "
                    + width);
        }
        return length / width;
    }

    private static String utf8(ByteBuffer in, int from, int to) {
        if (in.hasArray()) {
            return new String(in.array(), in.arrayOffset() + from, to - from, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The bytes of an array value; the value must be of the datatype's Java type (see {@link DataType}). */
    static byte[] encode(DataType type, Object value) {
        switch (type) {
            case INT8_ARRAY -> {
                return ((byte[]) value).clone();
            }
            case UINT8_ARRAY -> {
                short[] in = (short[]) value;
                byte[] out = new byte[in.length];
                for (int i = 0; i < in.length; i++) {
                    out[i] = (byte) unsigned(type, in[i], 0xFF);
                }
                return out;
            }
            case INT16_ARRAY -> {
                short[] in = (short[]) value;
                ByteBuffer out = buffer(in.length * 2);
                out.asShortBuffer().put(in);
                return out.array();
            }
            case UINT16_ARRAY -> {
                int[] in = (int[]) value;
                ByteBuffer out = buffer(in.length * 2);
                for (int element : in) {
                    out.putShort((short) unsigned(type, element, 0xFFFF));
                }
                return out.array();
            }
            case INT32_ARRAY -> {
                int[] in = (int[]) value;
                ByteBuffer out = buffer(in.length * 4);
                out.asIntBuffer().put(in);
                return out.array();
            }
            case UINT32_ARRAY -> {
                long[] in = (long[]) value;
                ByteBuffer out = buffer(in.length * 4);
                for (long element : in) {
                    out.putInt((int) unsigned(type, element, 0xFFFF_FFFFL));
                }
                return out.array();
            }
            case INT64_ARRAY, DATETIME_ARRAY -> {
                long[] in = (long[]) value;
                ByteBuffer out = buffer(in.length * 8);
                out.asLongBuffer().put(in);
                return out.array();
            }
            case UINT64_ARRAY -> {
                BigInteger[] in = (BigInteger[]) value;
                ByteBuffer out = buffer(in.length * 8);
                for (BigInteger element : in) {
                    out.putLong(Numbers.unsigned64(element));
                }
                return out.array();
            }
            case FLOAT_ARRAY -> {
                float[] in = (float[]) value;
                ByteBuffer out = buffer(in.length * 4);
                out.asFloatBuffer().put(in);
                return out.array();
            }
            case DOUBLE_ARRAY -> {
                double[] in = (double[]) value;
                ByteBuffer out = buffer(in.length * 8);
                out.asDoubleBuffer().put(in);
                return out.array();
            }
            case BOOLEAN_ARRAY -> {
                boolean[] in = (boolean[]) value;
                ByteBuffer out = buffer(4 + (in.length + 7) / 8);
                out.putInt(in.length);
                byte[] bytes = out.array();
                for (int i = 0; i < in.length; i++) {
                    if (in[i]) {
                        bytes[4 + (i >>> 3)] |= (byte) (0x80 >>> (i & 7));
                    }
                }
                return bytes;
            }
            case STRING_ARRAY -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (String element : (String[]) value) {
                    byte[] utf8 = element.getBytes(StandardCharsets.UTF_8);
                    for (byte b : utf8) {
                        if (b == 0) {
                            throw new IllegalArgumentException("StringArray element contains a NUL character");
                        }
                    }
                    out.writeBytes(utf8);
                    out.write(0);
                }
                return out.toByteArray();
            }
            default -> throw new IllegalArgumentException(type.sparkplugName() + " is not an array datatype");
        }
    }

    private static long unsigned(DataType type, long element, long max) {
        if (element < 0 || element > max) {
            throw new IllegalArgumentException(type.sparkplugName() + " element " + element + " outside 0.." + max);
        }
        return element;
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
