package io.unshub.bench.jmh;

import io.unshub.sparkplug.codec.DatatypeLookup;
import io.unshub.sparkplug.codec.DecodeResult;
import io.unshub.sparkplug.codec.SparkplugDecoder;
import io.unshub.sparkplug.codec.SparkplugEncoder;
import io.unshub.sparkplug.codec.ValueInterpreter;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.SparkplugPayload;
import io.unshub.sparkplug.model.UntypedValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sparkplug B decoding as the host does it per message: a DDATA of 100 alias-only metrics without datatypes (what
 * Tahu edges send), typed through the birth's alias table, and an NBIRTH of 100 named, typed metrics. Scores are
 * per metric ({@code OperationsPerInvocation}); run with {@code -prof gc} for the bytes allocated per metric.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class SparkplugDecodeBenchmark {

    private static final int METRICS = 100;
    private static final DataType[] TYPES = {DataType.DOUBLE, DataType.FLOAT, DataType.INT32, DataType.BOOLEAN,
            DataType.INT64, DataType.STRING};

    private final SparkplugDecoder decoder = new SparkplugDecoder();
    private byte[] data;
    private byte[] birth;
    private DatatypeLookup aliases;

    @Setup
    public void encode() {
        long now = 1_732_000_000_000L;
        List<Metric> birthMetrics = new ArrayList<>();
        List<Metric> dataMetrics = new ArrayList<>();
        Map<Long, DataType> byAlias = new HashMap<>();
        for (int i = 0; i < METRICS; i++) {
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
            byAlias.put(alias, type);
            birthMetrics.add(Metric.of("Line1/Cell" + (i / 10) + "/Tag" + i, type, ValueInterpreter.interpret(type, wire))
                    .withAlias(alias).withTimestamp(now));
            // DATA as edges send it: alias only, no datatype (the birth has it), the raw wire value.
            dataMetrics.add(new Metric(null, alias, now + 100, null, wire, false, false, false, null, null));
        }
        SparkplugEncoder encoder = new SparkplugEncoder();
        birth = encoder.encode(SparkplugPayload.of(now, 0, birthMetrics));
        data = encoder.encode(SparkplugPayload.of(now + 100, 1, dataMetrics));
        aliases = (name, alias) -> alias == null ? null : byAlias.get(alias);
    }

    @Benchmark
    @OperationsPerInvocation(METRICS)
    public DecodeResult decodeAliasOnlyData() {
        return decoder.decode(data, aliases);
    }

    @Benchmark
    @OperationsPerInvocation(METRICS)
    public DecodeResult decodeBirth() {
        return decoder.decode(birth);
    }
}
