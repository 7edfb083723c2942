package io.unshub.sparkplug.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.SparkplugPayload;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The array encodings of digest §2.5 (the corrected 3.0.1 examples, which Tahu 1.0.19 also produces). */
class ArrayEncodingTest {

    static Stream<Arguments> examples() {
        return Stream.of(
                Arguments.of(DataType.INT8_ARRAY, new byte[] {-23, 123}, "E9 7B"),
                Arguments.of(DataType.INT16_ARRAY, new short[] {-30000, 30000}, "D0 8A 30 75"),
                Arguments.of(DataType.INT32_ARRAY, new int[] {-1, 315338746}, "FF FF FF FF FA AF CB 12"),
                Arguments.of(DataType.INT64_ARRAY, new long[] {-4270929666821191986L, -3601064768563266876L},
                        "CE 06 72 AC 18 9C BA C4 C4 BA 9C 18 AC 72 06 CE"),
                Arguments.of(DataType.UINT8_ARRAY, new short[] {23, 250}, "17 FA"),
                Arguments.of(DataType.UINT16_ARRAY, new int[] {30, 52360}, "1E 00 88 CC"),
                Arguments.of(DataType.UINT32_ARRAY, new long[] {52, 3293969225L}, "34 00 00 00 49 FB 55 C4"),
                Arguments.of(DataType.UINT64_ARRAY,
                        new BigInteger[] {BigInteger.valueOf(52), new BigInteger("16444743074749521625")},
                        "34 00 00 00 00 00 00 00 D9 9E 02 D1 B2 76 37 E4"),
                Arguments.of(DataType.FLOAT_ARRAY, new float[] {1.23f, 89.341f}, "A4 70 9D 3F 98 AE B2 42"),
                Arguments.of(DataType.DOUBLE_ARRAY, new double[] {12.354213, 1022.9123213},
                        "D7 A2 05 68 5B B5 28 40 8E 17 1C 6F 4C F7 8F 40"),
                Arguments.of(DataType.BOOLEAN_ARRAY,
                        new boolean[] {false, false, true, true, false, true, false, false, true, true, false, true},
                        "0C 00 00 00 34 D0"),
                Arguments.of(DataType.STRING_ARRAY, new String[] {"ABC", "hello"}, "41 42 43 00 68 65 6C 6C 6F 00"),
                Arguments.of(DataType.DATETIME_ARRAY, new long[] {1256102875335L, 1656107875000L},
                        "C7 D0 90 75 24 01 00 00 B8 BA B8 97 81 01 00 00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void encodesTheSpecExampleBytes(DataType type, Object values, String hex) {
        assertThat(Hex.spaced(ArrayCodec.encode(type, values))).isEqualTo(hex);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void decodesTheSpecExampleBytes(DataType type, Object values, String hex) throws MalformedException {
        assertThat(ArrayCodec.decode(type, ByteBuffer.wrap(Hex.bytes(hex)))).isEqualTo(values);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void travelsAsMetricBytesValue(DataType type, Object values, String hex) {
        SparkplugPayload payload = SparkplugPayload.of(1L, 0, List.of(Metric.of("a", type, values)));

        DecodeResult result = new SparkplugDecoder().decode(new SparkplugEncoder().encode(payload));

        assertThat(result).isEqualTo(new DecodeResult.Decoded(payload));
    }

    @org.junit.jupiter.api.Test
    void booleanArrayIgnoresThePaddingBits() throws MalformedException {
        boolean[] decoded = (boolean[]) ArrayCodec.decode(DataType.BOOLEAN_ARRAY, ByteBuffer.wrap(Hex.bytes("0C 00 00 00 34 DF")));

        assertThat(decoded).containsExactly(false, false, true, true, false, true, false, false, true, true, false, true);
    }

    @org.junit.jupiter.api.Test
    void emptyArraysAreEmpty() throws MalformedException {
        assertThat((int[]) ArrayCodec.decode(DataType.INT32_ARRAY, ByteBuffer.wrap(new byte[0]))).isEmpty();
        assertThat((String[]) ArrayCodec.decode(DataType.STRING_ARRAY, ByteBuffer.wrap(new byte[0]))).isEmpty();
        assertThat(Hex.spaced(ArrayCodec.encode(DataType.BOOLEAN_ARRAY, new boolean[0]))).isEqualTo("00 00 00 00");
    }
}
