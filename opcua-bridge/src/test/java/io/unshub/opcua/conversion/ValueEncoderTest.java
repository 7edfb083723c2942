package io.unshub.opcua.conversion;

import io.unshub.opcua.config.ConnectionConfig.TimestampSource;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ValueEncoderTest {

    private static String json(Object value) {
        JsonBuffer out = new JsonBuffer();
        VariantJson.write(out, value);
        return new String(out.toBytes(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 9, 10, Long.MAX_VALUE, Long.MIN_VALUE, -1, -10, 0x8000_0000_0000_0001L,
            -6_148_914_691_236_517_206L})
    void unsigned64BitValuesAreWrittenAsTheirUnsignedDecimal(long bits) {
        JsonBuffer out = new JsonBuffer().unsigned(bits);
        assertThat(new String(out.toBytes(), StandardCharsets.US_ASCII)).isEqualTo(Long.toUnsignedString(bits));
        assertThat(json(ULong.valueOf(new BigInteger(Long.toUnsignedString(bits))))).isEqualTo(
                Long.toUnsignedString(bits));
    }

    @Test
    void numbersKeepTheirTypeAndPrecision() {
        assertThat(json(42.0)).isEqualTo("42.0");
        assertThat(json(0.1)).isEqualTo("0.1");
        assertThat(json(42.1f)).isEqualTo("42.1");
        assertThat(json(1e300)).isEqualTo("1.0E300");
        assertThat(json(Double.NaN)).isEqualTo("\"NaN\"");
        assertThat(json(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
        assertThat(json((short) -5)).isEqualTo("-5");
    }

    @Test
    void stringsAreEscapedAndUtf8() {
        assertThat(json("a\"b\\c\n\u0001é€😀")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001é€😀\"");
        assertThat(json(new Integer[][]{{1, 2}, {3}})).isEqualTo("[[1,2],[3]]");
    }

    @Test
    void qualityFollowsTheSeverityBitsAndTheRawCodeIsKept() {
        assertThat(ValueEncoder.quality(0)).isEqualTo("good");
        assertThat(ValueEncoder.quality(0x40920000L)).isEqualTo("uncertain");
        assertThat(ValueEncoder.quality(0x80310000L)).isEqualTo("bad");
        assertThat(ValueEncoder.quality(0xC0000000L)).isEqualTo("bad");

        ValueEncoder encoder = new ValueEncoder(TimestampSource.source);
        DateTime source = new DateTime(Instant.ofEpochMilli(1_732_000_000_000L));
        DateTime server = new DateTime(Instant.ofEpochMilli(1_732_000_000_500L));
        DataValue value = new DataValue(new Variant(42.5), new StatusCode(0x40920000L), source, server);
        assertThat(new String(encoder.encode(value, "degC"), StandardCharsets.UTF_8)).isEqualTo(
                "{\"value\":42.5,\"timestamp_ms\":1732000000000,\"quality\":\"uncertain\",\"status\":\"0x40920000\",\"status_code\":1083310080,"
                        + "\"datatype\":\"Double\",\"unit\":\"degC\"}");
        assertThat(new ValueEncoder(TimestampSource.server).timestampMillis(value)).isEqualTo(1_732_000_000_500L);
        // No source timestamp: the server's is used rather than none.
        assertThat(encoder.timestampMillis(new DataValue(new Variant(1), StatusCode.GOOD, null, server)))
                .isEqualTo(1_732_000_000_500L);
    }
}
