package io.unshub.sparkplug.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.unshub.sparkplug.model.DataSet;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.SparkplugPayload;
import io.unshub.sparkplug.model.UntypedValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The golden byte vectors of the digest (§2.8, written by protobuf-java as the reference implementations do): our
 * decoder reads them into the expected model, and our encoder writes the same model back to the same bytes.
 */
class GoldenVectorTest {

    private static final long TS = 1486144502122L;

    private final SparkplugDecoder decoder = new SparkplugDecoder();
    private final SparkplugEncoder encoder = new SparkplugEncoder();

    private static final String NDEATH = "08 EA F2 F5 A8 A0 2B 12 0B 0A 05 62 64 53 65 71 20 04 58 00";
    private static final String NBIRTH = "08 EA F2 F5 A8 A0 2B 12 12 0A 05 62 64 53 65 71 18 EA F2 F5 A8 A0 2B 20 04 58 00"
            + " 12 21 0A 14 4E 6F 64 65 20 43 6F 6E 74 72 6F 6C 2F 52 65 62 69 72 74 68 18 EA F2 F5 A8 A0 2B 20 0B 70 00"
            + " 12 17 0A 04 54 65 6D 70 10 01 18 EA F2 F5 A8 A0 2B 20 03 50 FF FF FF FF 0F 18 00";
    private static final String NDATA = "08 EA F2 F5 A8 A0 2B 12 0F 10 01 18 EA F2 F5 A8 A0 2B 50 FE FF FF FF 0F 18 01";
    private static final String NCMD_REBIRTH = "08 EA F2 F5 A8 A0 2B 12 1A 0A 14 4E 6F 64 65 20 43 6F 6E 74 72 6F 6C 2F 52"
            + " 65 62 69 72 74 68 20 0B 70 01";
    private static final String DATASET = "12 16 0A 02 64 73 20 10 8A 01 0D 08 01 12 01 63 18 03 22 04 0A 02 08 07";

    @Test
    void ndeathCarriesOnlyBdSeqAndNoSeq() {
        SparkplugPayload expected = SparkplugPayload.of(TS, List.of(Metric.of("bdSeq", DataType.INT64, 0L)));

        SparkplugPayload decoded = decoded(NDEATH);

        assertThat(decoded).isEqualTo(expected);
        assertThat(decoded.seq()).as("NDEATH has no seq (tck-id-payloads-ndeath-seq)").isNull();
        assertThat(decoded.bdSeq()).isZero();
        assertThat(Hex.spaced(encoder.encode(expected))).isEqualTo(NDEATH);
    }

    @Test
    void nbirthWithSeqZeroPresentRebirthMetricAndSignExtendedInt32() {
        SparkplugPayload expected = SparkplugPayload.of(TS, 0, List.of(
                Metric.of("bdSeq", DataType.INT64, 0L).withTimestamp(TS),
                Metric.of(SparkplugPayload.NODE_CONTROL_REBIRTH, DataType.BOOLEAN, false).withTimestamp(TS),
                Metric.of("Temp", DataType.INT32, -1).withAlias(1L).withTimestamp(TS)));

        SparkplugPayload decoded = decoded(NBIRTH);

        assertThat(decoded).isEqualTo(expected);
        assertThat(decoded.seq()).as("seq 0 is present, not absent").isEqualTo(0L);
        assertThat(Hex.spaced(encoder.encode(expected))).isEqualTo(NBIRTH);
    }

    @Test
    void ndataWithoutDatatypeStaysUntypedUntilTheBirthTypesIt() {
        SparkplugPayload raw = decoded(NDATA);

        Metric metric = raw.metrics().get(0);
        assertThat(raw.seq()).isEqualTo(1L);
        assertThat(metric.name()).isNull();
        assertThat(metric.alias()).isEqualTo(1L);
        assertThat(metric.datatype()).isNull();
        assertThat(metric.value()).isEqualTo(new UntypedValue(UntypedValue.Field.INT, -2));
        assertThat(ValueInterpreter.interpret(DataType.INT32, (UntypedValue) metric.value())).isEqualTo(-2);
        assertThat(Hex.spaced(encoder.encode(raw))).as("untyped values encode back unchanged").isEqualTo(NDATA);

        DecodeResult typed = decoder.decode(Hex.bytes(NDATA),
                (name, alias) -> alias != null && alias == 1L ? DataType.INT32 : null);
        Metric typedMetric = ((DecodeResult.Decoded) typed).payload().metrics().get(0);
        assertThat(typedMetric.datatype()).isEqualTo(DataType.INT32);
        assertThat(typedMetric.value()).isEqualTo(-2);
    }

    @Test
    void rebirthRequestIsExactlyTheRecommendedWireForm() {
        assertThat(Hex.spaced(encoder.encode(SparkplugCommands.rebirth(TS)))).isEqualTo(NCMD_REBIRTH);
        assertThat(decoded(NCMD_REBIRTH)).isEqualTo(SparkplugCommands.rebirth(TS));
    }

    @Test
    void dataSetWithUnpackedTypes() {
        DataSet table = new DataSet(List.of("c"), List.of(DataType.INT32), List.of(List.of(7)));
        SparkplugPayload expected = new SparkplugPayload(null, null, null, null,
                List.of(Metric.of("ds", DataType.DATASET, table)));

        assertThat(decoded(DATASET)).isEqualTo(expected);
        assertThat(Hex.spaced(encoder.encode(expected))).isEqualTo(DATASET);
    }

    private SparkplugPayload decoded(String hex) {
        DecodeResult result = decoder.decode(Hex.bytes(hex));
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).payload();
    }
}
