package io.unshub.bench.jmh;

import io.unshub.sparkplug.codec.ValueInterpreter;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.UntypedValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics the Sparkplug benchmarks encode: the birth's named, typed metrics with aliases 1000, 1001, ... and the
 * same metrics as DATA carries them from Tahu edges (alias only, no datatype, the raw wire value), six datatypes in
 * turn, so decoding and projection are measured on the same mix.
 *
 * @param birth       for an NBIRTH/DBIRTH: name, datatype, typed value, alias, timestamp {@code now}
 * @param data        for an NDATA/DDATA: alias, timestamp {@code now + 100}, untyped wire value
 * @param typeByAlias the birth's alias table
 */
public record AliasedMetricSet(List<Metric> birth, List<Metric> data, Map<Long, DataType> typeByAlias) {

    private static final DataType[] TYPES = {DataType.DOUBLE, DataType.FLOAT, DataType.INT32, DataType.BOOLEAN,
            DataType.INT64, DataType.STRING};

    public static AliasedMetricSet of(int count, long now) {
        List<Metric> birth = new ArrayList<>();
        List<Metric> data = new ArrayList<>();
        Map<Long, DataType> typeByAlias = new HashMap<>();
        for (int i = 0; i < count; i++) {
            DataType type = TYPES[i % TYPES.length];
            UntypedValue wire = switch (type) {
                case DOUBLE -> new UntypedValue(UntypedValue.Field.DOUBLE, 20.0 + i / 7.0);
                case FLOAT -> new UntypedValue(UntypedValue.Field.FLOAT, 1.5f * i);
                case INT32 -> new UntypedValue(UntypedValue.Field.INT, -i * 1000);
                case BOOLEAN -> new UntypedValue(UntypedValue.Field.BOOLEAN, i % 2 == 0);
                case INT64 -> new UntypedValue(UntypedValue.Field.LONG, now + i);
                default -> new UntypedValue(UntypedValue.Field.STRING, "state " + i);
            };
            long alias = 1000 + i;
            typeByAlias.put(alias, type);
            birth.add(Metric.of("Line1/Cell" + (i / 10) + "/Tag" + i, type, ValueInterpreter.interpret(type, wire))
                    .withAlias(alias).withTimestamp(now));
            data.add(new Metric(null, alias, now + 100, null, wire, false, false, false, null, null));
        }
        // A plain HashMap: the decode benchmark looks aliases up in it per metric, as it always has.
        return new AliasedMetricSet(List.copyOf(birth), List.copyOf(data), typeByAlias);
    }
}
