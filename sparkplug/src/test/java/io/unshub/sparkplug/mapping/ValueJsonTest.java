package io.unshub.sparkplug.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.sparkplug.model.DataSet;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.PropertySet;
import io.unshub.sparkplug.model.PropertyValue;
import io.unshub.sparkplug.model.Template;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every Sparkplug datatype becomes a UNS JSON value document a JSON reader understands without Sparkplug. */
class ValueJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> everyDatatype() {
        return Stream.of(
                arguments(DataType.INT8, (byte) -23, "-23"),
                arguments(DataType.INT16, (short) -30000, "-30000"),
                arguments(DataType.INT32, -1, "-1"),
                arguments(DataType.INT64, Long.MIN_VALUE, "-9223372036854775808"),
                arguments(DataType.UINT8, (short) 250, "250"),
                arguments(DataType.UINT16, 65535, "65535"),
                arguments(DataType.UINT32, 4294967295L, "4294967295"),
                arguments(DataType.UINT64, new BigInteger("18446744073709551615"), "18446744073709551615"),
                arguments(DataType.FLOAT, 1.5f, "1.5"),
                arguments(DataType.DOUBLE, 12.354213, "12.354213"),
                arguments(DataType.BOOLEAN, true, "true"),
                arguments(DataType.STRING, "a\"b", "\"a\\\"b\""),
                arguments(DataType.DATETIME, 1486144502122L, "1486144502122"),
                arguments(DataType.TEXT, "text", "\"text\""),
                arguments(DataType.UUID, "5a7c1f0e-0000-4000-8000-000000000000", "\"5a7c1f0e-0000-4000-8000-000000000000\""),
                arguments(DataType.BYTES, new byte[] {1, 2, 3}, "\"AQID\""),
                arguments(DataType.FILE, new byte[] {0}, "\"AA==\""),
                arguments(DataType.INT8_ARRAY, new byte[] {-23, 123}, "\"6Xs=\""),
                arguments(DataType.INT16_ARRAY, new short[] {-30000, 30000}, "[-30000,30000]"),
                arguments(DataType.INT32_ARRAY, new int[] {-1, 315338746}, "[-1,315338746]"),
                arguments(DataType.INT64_ARRAY, new long[] {-1L, 2L}, "[-1,2]"),
                arguments(DataType.UINT8_ARRAY, new short[] {23, 250}, "[23,250]"),
                arguments(DataType.UINT16_ARRAY, new int[] {30, 52360}, "[30,52360]"),
                arguments(DataType.UINT32_ARRAY, new long[] {52, 3293969225L}, "[52,3293969225]"),
                arguments(DataType.UINT64_ARRAY, new BigInteger[] {BigInteger.ONE, new BigInteger("16444743074749521625")},
                        "[1,16444743074749521625]"),
                arguments(DataType.FLOAT_ARRAY, new float[] {1.5f, -2f}, "[1.5,-2.0]"),
                arguments(DataType.DOUBLE_ARRAY, new double[] {12.5, 1022.9123213}, "[12.5,1022.9123213]"),
                arguments(DataType.BOOLEAN_ARRAY, new boolean[] {false, true}, "[false,true]"),
                arguments(DataType.STRING_ARRAY, new String[] {"ABC", "hello"}, "[\"ABC\",\"hello\"]"),
                arguments(DataType.DATETIME_ARRAY, new long[] {1256102875335L}, "[1256102875335]"),
                arguments(DataType.DATASET, new DataSet(List.of("a", "b"), List.of(DataType.INT32, DataType.STRING),
                        List.of(List.of(1, "x"), java.util.Arrays.asList(2, null))),
                        "{\"columns\":[\"a\",\"b\"],\"types\":[\"Int32\",\"String\"],\"rows\":[[1,\"x\"],[2,null]]}"),
                arguments(DataType.TEMPLATE, Template.instance("Motor", null,
                        List.of(Metric.of("rpm", DataType.INT32, 1500)), List.of()),
                        "{\"template_ref\":\"Motor\",\"members\":{\"rpm\":1500}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyDatatype")
    void everyDatatypeIsJson(DataType type, Object value, String expected) throws Exception {
        byte[] doc = ValueJson.value(value, false, 1000, "good", type, null, null);
        JsonNode json = JSON.readTree(doc);
        assertThat(json.get("value")).isEqualTo(JSON.readTree(expected));
        assertThat(json.get("timestamp_ms").asLong()).isEqualTo(1000);
        assertThat(json.get("quality").asText()).isEqualTo("good");
        assertThat(json.get("datatype").asText()).isEqualTo(type.sparkplugName());
    }

    @Test
    void nullAndNotANumberStayValidJson() throws Exception {
        JsonNode json = JSON.readTree(ValueJson.value(null, true, 5, "stale", DataType.DOUBLE, "degC", 3L));
        assertThat(json.get("value").isNull()).isTrue();
        assertThat(json.get("unit").asText()).isEqualTo("degC");
        assertThat(json.get("value_timestamp_ms").asLong()).isEqualTo(3);
        assertThat(JSON.readTree(ValueJson.value(Double.NaN, false, 5, "good", DataType.DOUBLE, null, null))
                .get("value").asText()).isEqualTo("NaN");
    }

    @Test
    void theUnitComesFromEngUnit() {
        assertThat(ValueJson.unitOf(PropertySet.EMPTY.with("engUnit", PropertyValue.of(DataType.STRING, "bar")))).isEqualTo("bar");
        assertThat(ValueJson.unitOf(PropertySet.EMPTY)).isNull();
    }
}
