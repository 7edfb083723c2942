package io.unshub.sparkplug.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.unshub.sparkplug.model.DataSet;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.MetaData;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.PropertySet;
import io.unshub.sparkplug.model.PropertyValue;
import io.unshub.sparkplug.model.Quality;
import io.unshub.sparkplug.model.SparkplugPayload;
import io.unshub.sparkplug.model.Template;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.DataSetDataType;
import org.eclipse.tahu.message.model.File;
import org.eclipse.tahu.message.model.Metric.MetricBuilder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.Parameter;
import org.eclipse.tahu.message.model.ParameterDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.Row;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.Value;
import org.eclipse.tahu.model.MetricDataTypeMap;
import org.eclipse.tahu.util.PayloadUtil;
import org.junit.jupiter.api.Test;

/**
 * Eclipse Tahu 1.0.19 as an independent implementation: what Tahu encodes we decode to the same values, and what
 * we encode Tahu decodes to the same values, for every metric datatype, data sets, templates and properties.
 */
class TahuInteropTest {

    private static final long TS = 1_700_000_000_123L;

    private final SparkplugDecoder decoder = new SparkplugDecoder();
    private final SparkplugEncoder encoder = new SparkplugEncoder();

    /** One value per metric datatype (edge values: negative signed, unsigned above the signed range). */
    static Map<DataType, Object> samples() {
        Map<DataType, Object> values = new LinkedHashMap<>();
        values.put(DataType.INT8, (byte) -7);
        values.put(DataType.INT16, (short) -30000);
        values.put(DataType.INT32, -100_000);
        values.put(DataType.INT64, -5_000_000_000L);
        values.put(DataType.UINT8, (short) 250);
        values.put(DataType.UINT16, 65000);
        values.put(DataType.UINT32, 4_000_000_000L);
        values.put(DataType.UINT64, new BigInteger("18446744073709551000"));
        values.put(DataType.FLOAT, 1.5f);
        values.put(DataType.DOUBLE, -2.25e100);
        values.put(DataType.BOOLEAN, true);
        values.put(DataType.STRING, "grüße");
        values.put(DataType.DATETIME, TS);
        values.put(DataType.TEXT, "long text");
        values.put(DataType.UUID, "123e4567-e89b-12d3-a456-426614174000");
        values.put(DataType.BYTES, new byte[] {1, 2, 3, -1});
        values.put(DataType.INT8_ARRAY, new byte[] {-23, 123});
        values.put(DataType.INT16_ARRAY, new short[] {-30000, 30000});
        values.put(DataType.INT32_ARRAY, new int[] {-1, 315338746});
        values.put(DataType.INT64_ARRAY, new long[] {-4270929666821191986L, 5});
        values.put(DataType.UINT8_ARRAY, new short[] {23, 250});
        values.put(DataType.UINT16_ARRAY, new int[] {30, 52360});
        values.put(DataType.UINT32_ARRAY, new long[] {52, 3293969225L});
        values.put(DataType.UINT64_ARRAY, new BigInteger[] {BigInteger.valueOf(52), new BigInteger("16444743074749521625")});
        values.put(DataType.FLOAT_ARRAY, new float[] {1.23f, 89.341f});
        values.put(DataType.DOUBLE_ARRAY, new double[] {12.354213, 1022.9123213});
        values.put(DataType.BOOLEAN_ARRAY, new boolean[] {false, false, true, true, false, true, false, false, true});
        values.put(DataType.STRING_ARRAY, new String[] {"ABC", "hello", ""});
        values.put(DataType.DATETIME_ARRAY, new long[] {1256102875335L, 1656107875000L});
        return values;
    }

    @Test
    void everyMetricDatatypeTahuEncodesDecodesToTheSameValue() throws Exception {
        SparkplugBPayload tahu = new SparkplugBPayload(new Date(TS), new ArrayList<>(), 0L);
        samples().forEach((type, value) -> tahu.addMetric(tahuMetric(type.sparkplugName(), type, value)));
        tahu.addMetric(new MetricBuilder("file", MetricDataType.File, new File("a.txt", new byte[] {9, 8})).createMetric());

        SparkplugPayload ours = decoded(new SparkplugBPayloadEncoder().getBytes(tahu, false));

        assertThat(ours.seq()).isZero();
        assertThat(ours.timestamp()).isEqualTo(TS);
        samples().forEach((type, value) -> {
            Metric metric = ours.metric(type.sparkplugName());
            assertThat(metric.datatype()).as(type.name()).isEqualTo(type);
            assertThat(metric.value()).as(type.name()).isEqualTo(value);
        });
        Metric file = ours.metric("file");
        assertThat(file.datatype()).isEqualTo(DataType.FILE);
        assertThat(file.value()).isEqualTo(new byte[] {9, 8});
        assertThat(file.metadata().fileName()).isEqualTo("a.txt");
    }

    @Test
    void dataWithStrippedDatatypesDecodesWithTheBirthsDatatypes() throws Exception {
        SparkplugBPayload tahu = new SparkplugBPayload(new Date(TS), new ArrayList<>(), 1L);
        long alias = 100;
        Map<Long, DataType> birth = new LinkedHashMap<>();
        for (Map.Entry<DataType, Object> sample : samples().entrySet()) {
            birth.put(alias, sample.getKey());
            tahu.addMetric(new MetricBuilder(alias++, MetricDataType.fromInteger(sample.getKey().code()),
                    TahuValues.toTahu(sample.getKey(), sample.getValue())).timestamp(new Date(TS)).createMetric());
        }
        byte[] stripped = new SparkplugBPayloadEncoder().getBytes(tahu, true);

        DecodeResult result = decoder.decode(stripped, (name, a) -> a == null ? null : birth.get(a));

        SparkplugPayload ours = ((DecodeResult.Decoded) result).payload();
        int i = 0;
        for (Map.Entry<DataType, Object> sample : samples().entrySet()) {
            Metric metric = ours.metrics().get(i++);
            assertThat(metric.value()).as(sample.getKey().name()).isEqualTo(sample.getValue());
            assertThat(metric.datatype()).isEqualTo(sample.getKey());
        }
    }

    @Test
    void everyMetricDatatypeWeEncodeTahuDecodesToTheSameValue() throws Exception {
        List<Metric> metrics = new ArrayList<>();
        samples().forEach((type, value) -> metrics.add(Metric.of(type.sparkplugName(), type, value).withTimestamp(TS)));
        metrics.add(Metric.of("file", DataType.FILE, new byte[] {9, 8}).withMetadata(MetaData.ofFile("a.txt", "bin")));

        SparkplugBPayload tahu = new SparkplugBPayloadDecoder()
                .buildFromByteArray(encoder.encode(SparkplugPayload.of(TS, 3, metrics)), null);

        assertThat(tahu.getSeq()).isEqualTo(3L);
        samples().forEach((type, value) -> {
            org.eclipse.tahu.message.model.Metric metric = tahuMetric(tahu, type.sparkplugName());
            assertThat(metric.getDataType().toIntValue()).isEqualTo(type.code());
            Object tahuValue = TahuValues.fromTahu(type, metric.getValue());
            if (type == DataType.UINT8_ARRAY) {
                // Tahu 1.0.19 reads UInt8Array elements as signed bytes (250 comes out as -6); the bytes we write are
                // the specification's (ArrayEncodingTest), so compare modulo Tahu's sign error.
                short[] elements = (short[]) tahuValue;
                for (int i = 0; i < elements.length; i++) {
                    elements[i] = (short) (elements[i] & 0xFF);
                }
            }
            assertThat(tahuValue).as(type.name()).isEqualTo(value);
        });
        File file = (File) tahuMetric(tahu, "file").getValue();
        assertThat(file.getBytes()).isEqualTo(new byte[] {9, 8});
        assertThat(file.getFileName()).isEqualTo("a.txt");
    }

    @Test
    void dataSetsOfEveryBasicTypeTravelBothWays() throws Exception {
        List<DataType> basic = Arrays.stream(DataType.values()).filter(DataType::isBasic).toList();
        Map<DataType, Object> samples = samples();
        List<Object> row = basic.stream().map(samples::get).toList();
        List<Object> nulls = Arrays.asList(new Object[basic.size()]);
        DataSet ours = new DataSet(basic.stream().map(DataType::sparkplugName).toList(), basic, List.of(row, nulls));

        org.eclipse.tahu.message.model.DataSet.DataSetBuilder builder =
                new org.eclipse.tahu.message.model.DataSet.DataSetBuilder(basic.size());
        Row.RowBuilder tahuRow = new Row.RowBuilder();
        Row.RowBuilder tahuNulls = new Row.RowBuilder();
        for (DataType type : basic) {
            DataSetDataType tahuType = DataSetDataType.fromInteger(type.code());
            builder.addColumnName(type.sparkplugName()).addType(tahuType);
            tahuRow.addValue(new Value<>(tahuType, TahuValues.toTahu(type, samples.get(type))));
            tahuNulls.addValue(new Value<>(tahuType, null));
        }
        org.eclipse.tahu.message.model.DataSet tahuSet = builder.addRow(tahuRow.createRow()).addRow(tahuNulls.createRow())
                .createDataSet();

        SparkplugBPayload fromTahu = new SparkplugBPayload(new Date(TS), List.of(
                new MetricBuilder("ds", MetricDataType.DataSet, tahuSet).createMetric()), 0L);
        assertThat(decoded(new SparkplugBPayloadEncoder().getBytes(fromTahu, false)).metric("ds").value()).isEqualTo(ours);

        SparkplugBPayload toTahu = new SparkplugBPayloadDecoder().buildFromByteArray(
                encoder.encode(SparkplugPayload.of(TS, 0, List.of(Metric.of("ds", DataType.DATASET, ours)))), null);
        org.eclipse.tahu.message.model.DataSet decoded = (org.eclipse.tahu.message.model.DataSet) toTahu.getMetrics().get(0).getValue();
        assertThat(decoded.getColumnNames()).isEqualTo(ours.columns());
        List<Object> tahuCells = Row.toValues(decoded.getRows().get(0));
        for (int c = 0; c < basic.size(); c++) {
            assertThat(TahuValues.fromTahu(basic.get(c), tahuCells.get(c))).as(basic.get(c).name()).isEqualTo(row.get(c));
        }
        assertThat(Row.toValues(decoded.getRows().get(1))).containsOnlyNulls();
    }

    @Test
    void templateDefinitionsAndInstancesTravelBothWays() throws Exception {
        Template definition = Template.definition("v1",
                List.of(Metric.of("speed", DataType.DOUBLE, 0.0), Metric.of("count", DataType.UINT32, 0L)),
                List.of(new Template.Parameter("unit", DataType.STRING, "rpm"),
                        new Template.Parameter("max", DataType.INT32, -1)));
        Template instance = Template.instance("Motor", "v1",
                List.of(Metric.of("speed", DataType.DOUBLE, 12.5), Metric.of("count", DataType.UINT32, 4_000_000_000L)),
                List.of(new Template.Parameter("unit", DataType.STRING, "1/s")));
        SparkplugPayload birth = SparkplugPayload.of(TS, 0, List.of(
                Metric.of("Motor", DataType.TEMPLATE, definition), Metric.of("motor1", DataType.TEMPLATE, instance)));

        SparkplugBPayload tahu = new SparkplugBPayloadDecoder().buildFromByteArray(encoder.encode(birth), null);
        org.eclipse.tahu.message.model.Template tahuDefinition =
                (org.eclipse.tahu.message.model.Template) tahuMetric(tahu, "Motor").getValue();
        org.eclipse.tahu.message.model.Template tahuInstance =
                (org.eclipse.tahu.message.model.Template) tahuMetric(tahu, "motor1").getValue();
        assertThat(tahuDefinition.isDefinition()).isTrue();
        assertThat(tahuDefinition.getVersion()).isEqualTo("v1");
        assertThat(tahuDefinition.getParameters()).extracting(Parameter::getName, Parameter::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("unit", "rpm"), org.assertj.core.groups.Tuple.tuple("max", -1));
        assertThat(tahuInstance.isDefinition()).isFalse();
        assertThat(tahuInstance.getTemplateRef()).isEqualTo("Motor");
        assertThat(tahuInstance.getMetrics()).extracting(org.eclipse.tahu.message.model.Metric::getValue)
                .containsExactly(12.5, 4_000_000_000L);

        // And back: what Tahu encodes from its own model decodes to ours.
        assertThat(decoded(new SparkplugBPayloadEncoder().getBytes(tahu, false))).isEqualTo(birth);
    }

    @Test
    void tahuTemplateBuiltWithItsBuilderDecodes() throws Exception {
        org.eclipse.tahu.message.model.Template tahuTemplate = new org.eclipse.tahu.message.model.Template.TemplateBuilder()
                .version("2").definition(false).templateRef("Valve")
                .addMetric(new MetricBuilder("open", MetricDataType.Boolean, true).timestamp(new Date(TS)).createMetric())
                .addParameter(new Parameter("id", ParameterDataType.UInt16, 65000)).createTemplate();
        SparkplugBPayload tahu = new SparkplugBPayload(new Date(TS), List.of(
                new MetricBuilder("v1", MetricDataType.Template, tahuTemplate).createMetric()), 2L);

        Template ours = (Template) decoded(new SparkplugBPayloadEncoder().getBytes(tahu, false)).metric("v1").value();

        assertThat(ours).isEqualTo(Template.instance("Valve", "2",
                List.of(Metric.of("open", DataType.BOOLEAN, true).withTimestamp(TS)),
                List.of(new Template.Parameter("id", DataType.UINT16, 65000))));
    }

    @Test
    void propertiesQualityNestedSetsAndFlagsFromTahu() throws Exception {
        org.eclipse.tahu.message.model.PropertySet nested = new org.eclipse.tahu.message.model.PropertySet.PropertySetBuilder()
                .addProperty("low", new org.eclipse.tahu.message.model.PropertyValue<>(PropertyDataType.Double, 0.5))
                .createPropertySet();
        org.eclipse.tahu.message.model.PropertySet properties = new org.eclipse.tahu.message.model.PropertySet.PropertySetBuilder()
                .addProperty("Quality", new org.eclipse.tahu.message.model.PropertyValue<>(PropertyDataType.Int32, 500))
                .addProperty("engUnit", new org.eclipse.tahu.message.model.PropertyValue<>(PropertyDataType.String, "degC"))
                .addProperty("range", new org.eclipse.tahu.message.model.PropertyValue<>(PropertyDataType.PropertySet, nested))
                .createPropertySet();
        SparkplugBPayload tahu = new SparkplugBPayload(new Date(TS), List.of(
                new MetricBuilder("t", MetricDataType.Float, 21.5f).properties(properties).isHistorical(true)
                        .isTransient(true).timestamp(new Date(TS)).createMetric(),
                new MetricBuilder("n", MetricDataType.Int32, null).createMetric()), 4L);

        SparkplugPayload ours = decoded(new SparkplugBPayloadEncoder().getBytes(tahu, false));

        Metric t = ours.metric("t");
        assertThat(t.properties().quality()).isEqualTo(Quality.STALE);
        assertThat(t.properties().get("engUnit")).isEqualTo(PropertyValue.of(DataType.STRING, "degC"));
        assertThat(t.properties().get("range")).isEqualTo(PropertyValue.of(DataType.PROPERTY_SET,
                new PropertySet(List.of("low"), List.of(PropertyValue.of(DataType.DOUBLE, 0.5)))));
        assertThat(t.isHistorical()).isTrue();
        assertThat(t.isTransient()).isTrue();
        assertThat(ours.metric("n").isNull()).isTrue();
        assertThat(ours.metric("n").value()).isNull();
    }

    @Test
    void propertiesWeEncodeTahuReads() throws Exception {
        PropertySet properties = PropertySet.EMPTY
                .with("Quality", PropertyValue.of(DataType.INT32, Quality.BAD.code()))
                .with("engHigh", PropertyValue.of(DataType.DOUBLE, 100.0))
                .with("list", PropertyValue.of(DataType.PROPERTY_SET_LIST, List.of(
                        PropertySet.EMPTY.with("a", PropertyValue.of(DataType.BOOLEAN, true)))))
                .with("none", PropertyValue.nullOf(DataType.STRING));
        byte[] bytes = encoder.encode(SparkplugPayload.of(TS, 0, List.of(
                Metric.of("m", DataType.INT16, (short) 3).withProperties(properties).withFlags(true, false))));

        org.eclipse.tahu.message.model.Metric metric = new SparkplugBPayloadDecoder().buildFromByteArray(bytes, null)
                .getMetrics().get(0);

        assertThat(metric.getProperties().getPropertyValue("Quality").getValue()).isEqualTo(0);
        assertThat(metric.getProperties().getPropertyValue("engHigh").getValue()).isEqualTo(100.0);
        assertThat(metric.getProperties().getPropertyValue("none").isNull()).isTrue();
        assertThat(metric.isHistorical()).isTrue();
        assertThat(decoded(bytes).metric("m").properties()).isEqualTo(properties);
    }

    @Test
    void tahuCompressedPayloadsDecode() throws Exception {
        SparkplugBPayload inner = new SparkplugBPayload(new Date(TS), List.of(
                new MetricBuilder("x", MetricDataType.Int64, 42L).createMetric()), 7L);
        for (boolean gzip : new boolean[] {false, true}) {
            SparkplugBPayload wrapper = gzip
                    ? PayloadUtil.compress(inner, org.eclipse.tahu.util.CompressionAlgorithm.GZIP, false)
                    : PayloadUtil.compress(inner, false);

            SparkplugPayload ours = decoded(new SparkplugBPayloadEncoder().getBytes(wrapper, false));

            assertThat(ours.seq()).isEqualTo(7L);
            assertThat(ours.metric("x").value()).isEqualTo(42L);
        }
    }

    private SparkplugPayload decoded(byte[] bytes) {
        DecodeResult result = decoder.decode(bytes);
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).payload();
    }

    private static org.eclipse.tahu.message.model.Metric tahuMetric(String name, DataType type, Object value) {
        try {
            return new MetricBuilder(name, MetricDataType.fromInteger(type.code()), TahuValues.toTahu(type, value))
                    .timestamp(new Date(TS)).createMetric();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static org.eclipse.tahu.message.model.Metric tahuMetric(SparkplugBPayload payload, String name) {
        return payload.getMetrics().stream().filter(m -> name.equals(m.getName())).findFirst().orElseThrow();
    }
}
