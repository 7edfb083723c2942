package io.unshub.sparkplug.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.SparkplugPayload;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host's encode path: NCMD/DCMD payloads (digest §3.6, P9), value coercion from UNS JSON, STATE JSON (§1.4). */
class CommandAndStatePayloadTest {

    private final SparkplugEncoder encoder = new SparkplugEncoder();
    private final SparkplugDecoder decoder = new SparkplugDecoder();

    @Test
    void commandsCarryTimestampDatatypeAndNoSeq_tck_id_payloads_ncmd_seq() {
        SparkplugPayload byName = SparkplugCommands.write(5L, "Setpoint", DataType.FLOAT, 21.5f);
        SparkplugPayload byAlias = SparkplugCommands.write(5L, 12L, DataType.UINT32, 4_000_000_000L);

        SparkplugPayload decodedName = ((DecodeResult.Decoded) decoder.decode(encoder.encode(byName))).payload();
        SparkplugPayload decodedAlias = ((DecodeResult.Decoded) decoder.decode(encoder.encode(byAlias))).payload();

        assertThat(decodedName.seq()).isNull();
        assertThat(decodedName.timestamp()).isEqualTo(5L);
        assertThat(decodedName.metrics()).containsExactly(Metric.of("Setpoint", DataType.FLOAT, 21.5f).withTimestamp(5L));
        assertThat(decodedAlias.metrics()).containsExactly(Metric.ofAlias(12L, DataType.UINT32, 4_000_000_000L).withTimestamp(5L));
        assertThatThrownBy(() -> SparkplugCommands.write(1L, List.of(new Metric("x", null, null, null, 1, false, false,
                false, null, null)))).hasMessageContaining("no datatype");
    }

    @Test
    void uint32CommandsGoInLongValueForInterop() {
        byte[] bytes = encoder.encode(SparkplugCommands.write(5L, "u", DataType.UINT32, 7L));

        assertThat(Hex.spaced(bytes)).endsWith("58 07"); // field 11 (long_value), not 10 (int_value)
    }

    @Test
    void encoderRefusesValuesThatDoNotFitTheirDatatype() {
        assertThatThrownBy(() -> encoder.encode(SparkplugCommands.write(1L, "m", DataType.INT8, 200)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metric 'm'").hasMessageContaining("Int8");
        assertThatThrownBy(() -> encoder.encode(SparkplugCommands.write(1L, "m", DataType.UINT16, -1)))
                .hasMessageContaining("UInt16");
        assertThatThrownBy(() -> encoder.encode(SparkplugCommands.write(1L, "m", DataType.FLOAT, "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.encode(SparkplugCommands.write(1L, "m", DataType.UINT64, BigInteger.ONE.shiftLeft(64))))
                .hasMessageContaining("UInt64");
    }

    @Test
    void coercionFromJsonValuesIsExact() {
        assertThat(ValueCoercion.coerce(DataType.INT8, -5)).isEqualTo((byte) -5);
        assertThat(ValueCoercion.coerce(DataType.INT16, "1200")).isEqualTo((short) 1200);
        assertThat(ValueCoercion.coerce(DataType.INT32, 7.0)).isEqualTo(7);
        assertThat(ValueCoercion.coerce(DataType.INT64, new BigDecimal("9000000000"))).isEqualTo(9_000_000_000L);
        assertThat(ValueCoercion.coerce(DataType.UINT8, 255)).isEqualTo((short) 255);
        assertThat(ValueCoercion.coerce(DataType.UINT16, 65535)).isEqualTo(65535);
        assertThat(ValueCoercion.coerce(DataType.UINT32, 4_000_000_000L)).isEqualTo(4_000_000_000L);
        assertThat(ValueCoercion.coerce(DataType.UINT64, new BigInteger("18446744073709551615")))
                .isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(ValueCoercion.coerce(DataType.FLOAT, 21.5)).isEqualTo(21.5f);
        assertThat(ValueCoercion.coerce(DataType.DOUBLE, 3)).isEqualTo(3.0);
        assertThat(ValueCoercion.coerce(DataType.BOOLEAN, true)).isEqualTo(true);
        assertThat(ValueCoercion.coerce(DataType.BOOLEAN, "false")).isEqualTo(false);
        assertThat(ValueCoercion.coerce(DataType.STRING, 42)).isEqualTo("42");
        assertThat(ValueCoercion.coerce(DataType.DATETIME, 1_700_000_000_000L)).isEqualTo(1_700_000_000_000L);
        assertThat(ValueCoercion.coerce(DataType.INT16_ARRAY, List.of(1, -2))).isEqualTo(new short[] {1, -2});
        assertThat(ValueCoercion.coerce(DataType.BOOLEAN_ARRAY, List.of(true, false))).isEqualTo(new boolean[] {true, false});
        assertThat(ValueCoercion.coerce(DataType.STRING_ARRAY, List.of("a", "b"))).isEqualTo(new String[] {"a", "b"});
        assertThat(ValueCoercion.coerce(DataType.UINT64_ARRAY, List.of(1))).isEqualTo(new BigInteger[] {BigInteger.ONE});
    }

    @Test
    void coercionRefusesWithAReason() {
        assertThatThrownBy(() -> ValueCoercion.coerce(DataType.INT8, 128)).hasMessageContaining("Int8 value 128 outside");
        assertThatThrownBy(() -> ValueCoercion.coerce(DataType.INT32, 1.5)).hasMessageContaining("not an integer");
        assertThatThrownBy(() -> ValueCoercion.coerce(DataType.UINT32, -1)).hasMessageContaining("UInt32");
        assertThatThrownBy(() -> ValueCoercion.coerce(DataType.INT32, "abc")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ValueCoercion.coerce(DataType.BOOLEAN, "yes")).hasMessageContaining("true/false");
        assertThatThrownBy(() -> ValueCoercion.coerce(DataType.FLOAT, 1e300)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> ValueCoercion.coerce(DataType.INT32_ARRAY, 5)).hasMessageContaining("JSON array");
        assertThatThrownBy(() -> ValueCoercion.coerce(DataType.DATASET, List.of())).hasMessageContaining("not supported");
        assertThatThrownBy(() -> ValueCoercion.coerce(DataType.INT32, null)).hasMessageContaining("null");
    }

    @Test
    void stateJsonHasExactlyTheTwoKeys_tck_id_host_topic_phid_birth_payload() {
        assertThat(new String(StatePayload.online(1700000000000L).toJson(), StandardCharsets.UTF_8))
                .isEqualTo("{\"online\":true,\"timestamp\":1700000000000}");
        assertThat(new String(StatePayload.offline(1700000000001L).toJson(), StandardCharsets.UTF_8))
                .isEqualTo("{\"online\":false,\"timestamp\":1700000000001}");
    }

    @Test
    void otherHostsStateIsReadTolerantly() {
        assertThat(parse("{\"online\": true, \"timestamp\": 5}")).isEqualTo(new StatePayload.Parse.Valid(StatePayload.online(5)));
        assertThat(parse("{\"online\":false,\"timestamp\":6,\"bd_seq\":1,\"client_id\":\"x\"}"))
                .isEqualTo(new StatePayload.Parse.Valid(StatePayload.offline(6)));
        assertThat(parse("ONLINE")).isEqualTo(new StatePayload.Parse.Valid(new StatePayload(true, null)));
        assertThat(parse("OFFLINE")).isEqualTo(new StatePayload.Parse.Valid(new StatePayload(false, null)));
        assertThat(parse("{\"online\":\"yes\",\"timestamp\":5}")).isInstanceOf(StatePayload.Parse.Invalid.class);
        assertThat(parse("{\"online\":true,\"timestamp\":5.5}")).isInstanceOf(StatePayload.Parse.Invalid.class);
        assertThat(parse("{\"online\":true}")).isInstanceOf(StatePayload.Parse.Invalid.class);
        assertThat(parse("[1]")).isInstanceOf(StatePayload.Parse.Invalid.class);
        assertThat(parse("\u0008\u00ff{")).isInstanceOf(StatePayload.Parse.Invalid.class);
        assertThat(parse("")).isInstanceOf(StatePayload.Parse.Invalid.class);
    }

    private static StatePayload.Parse parse(String json) {
        return StatePayload.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
