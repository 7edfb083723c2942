package io.unshub.sparkplug.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.unshub.schemas.sparkplug.proto.SparkplugB;
import io.unshub.schemas.sparkplug.proto.SparkplugB.Payload;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.Quality;
import io.unshub.sparkplug.model.SparkplugPayload;
import io.unshub.sparkplug.model.UntypedValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The 3.0 quirks of digest §2.4 and §7 (P5, P7, P18, P19, P23) and the malformed inputs a host must survive. */
class DecoderQuirksTest {

    private final SparkplugDecoder decoder = new SparkplugDecoder();

    @Test
    void uint32IsReadFromIntValueOrLongValue() {
        // P5: the spec table says int_value, Tahu/Ignition/JS write long_value.
        assertThat(value(metric(DataType.UINT32).setIntValue((int) 4_000_000_000L))).isEqualTo(4_000_000_000L);
        assertThat(value(metric(DataType.UINT32).setLongValue(4_000_000_000L))).isEqualTo(4_000_000_000L);
    }

    @Test
    void signExtendedNegativeSmallIntegersAreTruncatedNotRangeChecked() {
        // P7: Int8 -1 arrives as int_value 0xFFFFFFFF; reading it as 4294967295 or rejecting it is the classic bug.
        assertThat(value(metric(DataType.INT8).setIntValue(-1))).isEqualTo((byte) -1);
        assertThat(value(metric(DataType.INT16).setIntValue(-30000))).isEqualTo((short) -30000);
        assertThat(value(metric(DataType.INT32).setIntValue(Integer.MIN_VALUE))).isEqualTo(Integer.MIN_VALUE);
        assertThat(value(metric(DataType.INT64).setLongValue(-5L))).isEqualTo(-5L);
        assertThat(value(metric(DataType.UINT8).setIntValue(255))).isEqualTo((short) 255);
        assertThat(value(metric(DataType.UINT16).setIntValue(65535))).isEqualTo(65535);
    }

    @Test
    void uint64AboveTwoToTheSixtyThreeIsPositive() {
        // P23: a Java long would show it negative.
        assertThat(value(metric(DataType.UINT64).setLongValue(-1L))).isEqualTo(new BigInteger("18446744073709551615"));
    }

    @Test
    void dateTimeIsEpochMillis() {
        assertThat(value(metric(DataType.DATETIME).setLongValue(1_700_000_000_000L))).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void bdSeqIsReadFromAnyIntegerTypeAndAnyField() {
        // P18: bdSeq is Int64 per spec, UInt64 from the npm client, sometimes without datatype.
        assertThat(decode(Payload.newBuilder().addMetrics(Payload.Metric.newBuilder().setName("bdSeq")
                .setDatatype(DataType.UINT64.code()).setLongValue(7))).bdSeq()).isEqualTo(7L);
        assertThat(decode(Payload.newBuilder().addMetrics(Payload.Metric.newBuilder().setName("bdSeq")
                .setIntValue(3))).bdSeq()).isEqualTo(3L);
        assertThat(decode(Payload.newBuilder().setTimestamp(1)).bdSeq()).isNull();
    }

    @Test
    void anyNbirthSeqIsAcceptedButValuesAbove255AreMalformed() {
        assertThat(decode(Payload.newBuilder().setSeq(200)).seq()).isEqualTo(200L);
        assertThat(malformed(Payload.newBuilder().setSeq(256).build().toByteArray())).contains("seq 256");
    }

    @Test
    void flagsPropertiesQualityAndMetadataAreKept() {
        Payload.Metric.Builder metric = metric(DataType.STRING).setName("file").setIsHistorical(true)
                .setIsTransient(true).setStringValue("x")
                .setProperties(Payload.PropertySet.newBuilder().addKeys("Quality").addKeys("engUnit")
                        .addValues(Payload.PropertyValue.newBuilder().setType(DataType.INT32.code()).setIntValue(500))
                        .addValues(Payload.PropertyValue.newBuilder().setType(DataType.STRING.code()).setStringValue("degC")))
                .setMetadata(Payload.MetaData.newBuilder().setFileName("a.txt").setSize(12).setIsMultiPart(false));

        Metric decoded = decode(Payload.newBuilder().addMetrics(metric)).metrics().get(0);

        assertThat(decoded.isHistorical()).isTrue();
        assertThat(decoded.isTransient()).isTrue();
        assertThat(decoded.properties().quality()).isEqualTo(Quality.STALE);
        assertThat(decoded.properties().get("engUnit").value()).isEqualTo("degC");
        assertThat(decoded.metadata().fileName()).isEqualTo("a.txt");
        assertThat(decoded.metadata().size()).isEqualTo(12L);
        assertThat(decoded.metadata().isMultiPart()).isFalse();
        assertThat(decoded.metadata().md5()).isNull();
    }

    @Test
    void isNullWinsOverAStrayValue() {
        Metric decoded = decode(Payload.newBuilder().addMetrics(metric(DataType.INT32).setIsNull(true).setIntValue(5)))
                .metrics().get(0);

        assertThat(decoded.isNull()).isTrue();
        assertThat(decoded.value()).isNull();
    }

    @Test
    void unknownDatatypeCodeKeepsTheRawValue() {
        Metric decoded = decode(Payload.newBuilder().addMetrics(Payload.Metric.newBuilder().setName("v4")
                .setDatatype(99).setIntValue(5))).metrics().get(0);

        assertThat(decoded.datatype()).isEqualTo(DataType.UNKNOWN);
        assertThat(decoded.value()).isEqualTo(new UntypedValue(UntypedValue.Field.INT, 5));
    }

    @Test
    void aDataValueThatDoesNotFitTheBirthsDatatypeStaysUntyped() {
        byte[] data = Payload.newBuilder().setSeq(1)
                .addMetrics(Payload.Metric.newBuilder().setAlias(1).setStringValue("oops"))
                .addMetrics(Payload.Metric.newBuilder().setAlias(2).setDoubleValue(2.5)).build().toByteArray();

        DecodeResult result = decoder.decode(data, (name, alias) -> alias == 1 ? DataType.INT32 : DataType.DOUBLE);

        java.util.List<Metric> metrics = ((DecodeResult.Decoded) result).payload().metrics();
        assertThat(metrics.get(0).datatype()).isNull();
        assertThat(metrics.get(0).value()).isEqualTo(new UntypedValue(UntypedValue.Field.STRING, "oops"));
        assertThat(metrics.get(1).datatype()).isEqualTo(DataType.DOUBLE);
        assertThat(metrics.get(1).value()).isEqualTo(2.5);
    }

    @Test
    void compressedPayloadsAreUnwrappedDeflateByDefaultOrGzip() throws IOException {
        byte[] inner = Payload.newBuilder().setTimestamp(5).setSeq(9)
                .addMetrics(metric(DataType.BOOLEAN).setName("b").setBooleanValue(true)).build().toByteArray();

        Payload deflated = Payload.newBuilder().setUuid("SPBV1.0_COMPRESSED").setSeq(9)
                .setBody(ByteString.copyFrom(deflate(inner))).build();
        Payload gzipped = Payload.newBuilder().setUuid("SPBV1.0_COMPRESSED")
                .addMetrics(Payload.Metric.newBuilder().setName("algorithm").setDatatype(12).setStringValue("GZIP"))
                .setBody(ByteString.copyFrom(gzip(inner))).build();

        for (Payload wrapper : new Payload[] {deflated, gzipped}) {
            SparkplugPayload decoded = ((DecodeResult.Decoded) decoder.decode(wrapper.toByteArray())).payload();
            assertThat(decoded.seq()).isEqualTo(9L);
            assertThat(decoded.timestamp()).isEqualTo(5L);
            assertThat(decoded.uuid()).isNull();
            assertThat(decoded.metric("b").value()).isEqualTo(true);
        }
    }

    @Test
    void aCompressedPayloadMayNotInflateBeyondTheCap() throws IOException {
        byte[] inner = Payload.newBuilder().setBody(ByteString.copyFrom(new byte[100_000])).build().toByteArray();
        byte[] wrapper = Payload.newBuilder().setUuid("SPBV1.0_COMPRESSED")
                .setBody(ByteString.copyFrom(deflate(inner))).build().toByteArray();

        assertThat(new SparkplugDecoder(10_000).decode(wrapper)).isInstanceOf(DecodeResult.Malformed.class);
        assertThat(new SparkplugDecoder(200_000).decode(wrapper)).isInstanceOf(DecodeResult.Decoded.class);
    }

    @Test
    void malformedInputsAreReasonsNotExceptions() throws IOException {
        assertThat(malformed(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF})).contains("not a Sparkplug B protobuf");
        byte[] birth = Hex.bytes("08 EA F2 F5 A8 A0 2B 12 0B 0A 05 62 64 53 65 71 20 04 58 00");
        assertThat(malformed(java.util.Arrays.copyOf(birth, birth.length - 3))).contains("protobuf");
        assertThat(malformed(bytes(metric(DataType.INT32).setName("t").setStringValue("x"))))
                .contains("metric 't'").contains("Int32 cannot be carried in string_value");
        assertThat(malformed(bytes(metric(DataType.INT32_ARRAY).setName("a").setBytesValue(ByteString.copyFrom(new byte[3])))))
                .contains("metric 'a'").contains("not a multiple of 4");
        assertThat(malformed(bytes(metric(DataType.BOOLEAN_ARRAY).setName("b").setBytesValue(ByteString.copyFrom(
                Hex.bytes("10 00 00 00 FF")))))).contains("BooleanArray");
        assertThat(malformed(bytes(metric(DataType.STRING_ARRAY).setName("s").setBytesValue(ByteString.copyFrom(
                Hex.bytes("41 00 42")))))).contains("NUL-terminated");
        assertThat(malformed(bytes(Payload.Metric.newBuilder().setName("p").setDatatype(DataType.PROPERTY_SET.code()))))
                .contains("not allowed for a metric");
        assertThat(malformed(bytes(metric(DataType.STRING).setName("q").setStringValue("x").setProperties(
                Payload.PropertySet.newBuilder().addKeys("a").addKeys("b")
                        .addValues(Payload.PropertyValue.newBuilder().setType(12).setStringValue("x"))))))
                .contains("2 keys and 1 values");
        assertThat(malformed(Payload.newBuilder().setUuid("SPBV1.0_COMPRESSED")
                .setBody(ByteString.copyFromUtf8("not deflate")).build().toByteArray())).contains("does not inflate");
        assertThat(malformed(Payload.newBuilder().setUuid("SPBV1.0_COMPRESSED")
                .addMetrics(Payload.Metric.newBuilder().setName("algorithm").setStringValue("LZ4"))
                .setBody(ByteString.copyFrom(deflate(new byte[0]))).build().toByteArray())).contains("LZ4");
    }

    @Test
    void malformedDataSetsAreRejected() {
        Payload.DataSet.Builder twoColumnsOneType = Payload.DataSet.newBuilder().setNumOfColumns(2).addColumns("a")
                .addColumns("b").addTypes(3);
        Payload.DataSet.Builder shortRow = Payload.DataSet.newBuilder().setNumOfColumns(1).addColumns("a").addTypes(3)
                .addRows(Payload.DataSet.Row.newBuilder());
        Payload.DataSet.Builder wrongCount = Payload.DataSet.newBuilder().setNumOfColumns(3).addColumns("a").addTypes(3);
        Payload.DataSet.Builder templateColumn = Payload.DataSet.newBuilder().addColumns("a").addTypes(19);

        assertThat(malformed(bytes(metric(DataType.DATASET).setName("d").setDatasetValue(twoColumnsOneType))))
                .contains("2 columns and 1 types");
        assertThat(malformed(bytes(metric(DataType.DATASET).setName("d").setDatasetValue(shortRow))))
                .contains("row 0 has 0 elements");
        assertThat(malformed(bytes(metric(DataType.DATASET).setName("d").setDatasetValue(wrongCount))))
                .contains("num_of_columns 3");
        assertThat(malformed(bytes(metric(DataType.DATASET).setName("d").setDatasetValue(templateColumn))))
                .contains("not a basic type");
    }

    @Test
    void dataSetCellsWithoutValueAreNullAndUInt32CellsComeFromEitherField() {
        Payload.DataSet.Builder table = Payload.DataSet.newBuilder().setNumOfColumns(2).addColumns("u").addColumns("s")
                .addTypes(DataType.UINT32.code()).addTypes(DataType.STRING.code())
                .addRows(Payload.DataSet.Row.newBuilder()
                        .addElements(Payload.DataSet.DataSetValue.newBuilder().setIntValue(-1))
                        .addElements(Payload.DataSet.DataSetValue.newBuilder()))
                .addRows(Payload.DataSet.Row.newBuilder()
                        .addElements(Payload.DataSet.DataSetValue.newBuilder().setLongValue(7))
                        .addElements(Payload.DataSet.DataSetValue.newBuilder().setStringValue("x")));

        io.unshub.sparkplug.model.DataSet decoded = (io.unshub.sparkplug.model.DataSet) decode(
                Payload.newBuilder().addMetrics(metric(DataType.DATASET).setName("d").setDatasetValue(table)))
                .metrics().get(0).value();

        assertThat(decoded.rows()).containsExactly(java.util.Arrays.asList(4294967295L, null), java.util.List.of(7L, "x"));
    }

    private static Payload.Metric.Builder metric(DataType type) {
        return Payload.Metric.newBuilder().setName("m").setDatatype(type.code());
    }

    private static byte[] bytes(Payload.Metric.Builder metric) {
        return Payload.newBuilder().setTimestamp(1).addMetrics(metric).build().toByteArray();
    }

    private Object value(Payload.Metric.Builder metric) {
        return decode(Payload.newBuilder().addMetrics(metric)).metrics().get(0).value();
    }

    private SparkplugPayload decode(Payload.Builder payload) {
        DecodeResult result = decoder.decode(payload.build().toByteArray());
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).payload();
    }

    private String malformed(byte[] bytes) {
        DecodeResult result = decoder.decode(bytes);
        assertThat(result).isInstanceOf(DecodeResult.Malformed.class);
        return ((DecodeResult.Malformed) result).reason();
    }

    private static byte[] deflate(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflater = new DeflaterOutputStream(out)) {
            deflater.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }
}
