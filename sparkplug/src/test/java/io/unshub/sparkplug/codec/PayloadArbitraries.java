package io.unshub.sparkplug.codec;

import io.unshub.sparkplug.model.DataSet;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.MetaData;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.PropertySet;
import io.unshub.sparkplug.model.PropertyValue;
import io.unshub.sparkplug.model.SparkplugPayload;
import io.unshub.sparkplug.model.Template;
import io.unshub.sparkplug.model.UntypedValue;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators for the whole payload model: every datatype, data sets, nested templates, nested property sets. */
final class PayloadArbitraries {

    private static final List<DataType> BASIC = Arrays.stream(DataType.values()).filter(DataType::isBasic).toList();
    private static final List<DataType> SIMPLE_METRIC = Arrays.stream(DataType.values())
            .filter(t -> t.isMetricType() && t != DataType.DATASET && t != DataType.TEMPLATE).toList();

    private PayloadArbitraries() {
    }

    static Arbitrary<SparkplugPayload> payloads() {
        return Combinators.combine(
                Arbitraries.longs().greaterOrEqual(0).injectNull(0.2),
                Arbitraries.longs().between(0, 255).injectNull(0.3),
                text().injectNull(0.8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8).injectNull(0.8),
                metrics(2).list().ofMaxSize(6))
                .as(SparkplugPayload::new);
    }

    static Arbitrary<Metric> metrics(int depth) {
        Arbitrary<DataType> types = depth > 0
                ? Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(10, Arbitraries.of(SIMPLE_METRIC)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(DataType.DATASET)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(DataType.TEMPLATE)))
                : Arbitraries.of(SIMPLE_METRIC);
        Arbitrary<Metric> typed = types.flatMap(type -> Combinators.combine(
                text().injectNull(0.2),
                Arbitraries.longs().injectNull(0.6),
                Arbitraries.longs().injectNull(0.3),
                value(type, depth).injectNull(0.1),
                Arbitraries.of(false, true),
                Arbitraries.of(false, true),
                properties(1).injectNull(0.7),
                metaData().injectNull(0.8))
                .as((name, alias, ts, value, historical, transientValue, props, meta) -> new Metric(name, alias, ts,
                        type, value, historical, transientValue, value == null, props, meta)));
        // Datatype-less metrics (as in DATA) keep their raw wire value.
        Arbitrary<Metric> untyped = Combinators.combine(Arbitraries.longs().injectNull(0.1), untypedValue())
                .as((alias, value) -> new Metric(null, alias, null, null, value, false, false, false, PropertySet.EMPTY, null));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, typed), net.jqwik.api.Tuple.of(1, untyped));
    }

    private static Arbitrary<UntypedValue> untypedValue() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(v -> new UntypedValue(UntypedValue.Field.INT, v)),
                Arbitraries.longs().map(v -> new UntypedValue(UntypedValue.Field.LONG, v)),
                Arbitraries.floats().map(v -> new UntypedValue(UntypedValue.Field.FLOAT, v)),
                Arbitraries.doubles().map(v -> new UntypedValue(UntypedValue.Field.DOUBLE, v)),
                Arbitraries.of(true, false).map(v -> new UntypedValue(UntypedValue.Field.BOOLEAN, v)),
                text().map(v -> new UntypedValue(UntypedValue.Field.STRING, v)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(6).map(v -> new UntypedValue(UntypedValue.Field.BYTES, v)));
    }

    static Arbitrary<Object> value(DataType type, int depth) {
        return switch (type) {
            case DATASET -> dataSets().map(Object.class::cast);
            case TEMPLATE -> templates(depth - 1).map(Object.class::cast);
            case BYTES, FILE -> Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(Object.class::cast);
            case INT8_ARRAY -> Arbitraries.bytes().array(byte[].class).ofMaxSize(5).map(Object.class::cast);
            case INT16_ARRAY -> Arbitraries.shorts().array(short[].class).ofMaxSize(5).map(Object.class::cast);
            case INT32_ARRAY -> Arbitraries.integers().array(int[].class).ofMaxSize(5).map(Object.class::cast);
            case INT64_ARRAY, DATETIME_ARRAY -> Arbitraries.longs().array(long[].class).ofMaxSize(5).map(Object.class::cast);
            case UINT8_ARRAY -> Arbitraries.shorts().between((short) 0, (short) 255).array(short[].class).ofMaxSize(5)
                    .map(Object.class::cast);
            case UINT16_ARRAY -> Arbitraries.integers().between(0, 65535).array(int[].class).ofMaxSize(5).map(Object.class::cast);
            case UINT32_ARRAY -> Arbitraries.longs().between(0, 0xFFFF_FFFFL).array(long[].class).ofMaxSize(5)
                    .map(Object.class::cast);
            case UINT64_ARRAY -> uint64().array(BigInteger[].class).ofMaxSize(5).map(Object.class::cast);
            case FLOAT_ARRAY -> Arbitraries.floats().withSpecialValue(Float.NaN).array(float[].class).ofMaxSize(5)
                    .map(Object.class::cast);
            case DOUBLE_ARRAY -> Arbitraries.doubles().withSpecialValue(Double.NaN).array(double[].class).ofMaxSize(5)
                    .map(Object.class::cast);
            case BOOLEAN_ARRAY -> Arbitraries.of(true, false).array(boolean[].class).ofMaxSize(20).map(Object.class::cast);
            case STRING_ARRAY -> text().filter(s -> s.indexOf('\u0000') < 0).array(String[].class).ofMaxSize(4)
                    .map(Object.class::cast);
            case UUID -> text().map(Object.class::cast);
            default -> basicValue(type);
        };
    }

    static Arbitrary<Object> basicValue(DataType type) {
        return switch (type) {
            case INT8 -> Arbitraries.bytes().map(Object.class::cast);
            case INT16 -> Arbitraries.shorts().map(Object.class::cast);
            case INT32 -> Arbitraries.integers().map(Object.class::cast);
            case INT64, DATETIME -> Arbitraries.longs().map(Object.class::cast);
            case UINT8 -> Arbitraries.shorts().between((short) 0, (short) 255).map(Object.class::cast);
            case UINT16 -> Arbitraries.integers().between(0, 65535).map(Object.class::cast);
            case UINT32 -> Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(Object.class::cast);
            case UINT64 -> uint64().map(Object.class::cast);
            case FLOAT -> Arbitraries.floats().withSpecialValue(Float.NaN).map(Object.class::cast);
            case DOUBLE -> Arbitraries.doubles().withSpecialValue(Double.NEGATIVE_INFINITY).map(Object.class::cast);
            case BOOLEAN -> Arbitraries.of(true, false).map(Object.class::cast);
            case STRING, TEXT -> text().map(Object.class::cast);
            default -> throw new IllegalArgumentException(type + " is not basic");
        };
    }

    private static Arbitrary<BigInteger> uint64() {
        return Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
    }

    static Arbitrary<String> text() {
        // Valid UTF-16 only: a lone surrogate cannot survive UTF-8 (and is not a Sparkplug string).
        return Arbitraries.strings().withCharRange('\u0000', '\u007F').withCharRange('\u00A0', '\uD7FF').ofMaxLength(12);
    }

    static Arbitrary<DataSet> dataSets() {
        return Arbitraries.of(BASIC).list().ofMaxSize(4).flatMap(types -> {
            Arbitrary<List<Object>> row = types.isEmpty()
                    ? Arbitraries.just(List.of())
                    : Combinators.combine(types.stream().map(t -> basicValue(t).injectNull(0.15)).toList()).as(cells -> cells);
            return Combinators.combine(text().list().ofSize(types.size()), row.list().ofMaxSize(3))
                    .as((columns, rows) -> new DataSet(columns, types, rows));
        });
    }

    static Arbitrary<Template> templates(int depth) {
        Arbitrary<Template.Parameter> parameter = Arbitraries.of(BASIC).flatMap(type -> Combinators.combine(
                text().injectNull(0.1), basicValue(type).injectNull(0.2))
                .as((name, value) -> new Template.Parameter(name, type, value)));
        return Combinators.combine(
                text().injectNull(0.5),
                metrics(Math.max(depth, 0)).list().ofMaxSize(3),
                parameter.list().ofMaxSize(3),
                text().filter(s -> !s.isEmpty()).injectNull(0.5))
                .as((version, members, parameters, ref) -> new Template(version, members, parameters, ref, ref == null));
    }

    static Arbitrary<PropertySet> properties(int depth) {
        Arbitrary<PropertyValue> basic = Arbitraries.of(BASIC).flatMap(type -> basicValue(type).injectNull(0.1)
                .map(value -> PropertyValue.of(type, value)));
        Arbitrary<PropertyValue> value = depth > 0
                ? Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, basic),
                        net.jqwik.api.Tuple.of(1, properties(depth - 1).map(set -> PropertyValue.of(DataType.PROPERTY_SET, set))),
                        net.jqwik.api.Tuple.of(1, properties(depth - 1).list().ofMaxSize(2)
                                .map(sets -> PropertyValue.of(DataType.PROPERTY_SET_LIST, List.copyOf(sets)))))
                : basic;
        return Combinators.combine(text().list().ofMaxSize(3), value.list().ofMaxSize(3))
                .as((keys, values) -> {
                    int n = Math.min(keys.size(), values.size());
                    return new PropertySet(keys.subList(0, n), values.subList(0, n));
                });
    }

    static Arbitrary<MetaData> metaData() {
        return Combinators.combine(
                Arbitraries.of(true, false).injectNull(0.5), text().injectNull(0.5), Arbitraries.longs().injectNull(0.5),
                Arbitraries.longs().injectNull(0.5), text().injectNull(0.5), text().injectNull(0.5),
                text().injectNull(0.5), text().injectNull(0.5))
                .as(MetaData::new);
    }
}
