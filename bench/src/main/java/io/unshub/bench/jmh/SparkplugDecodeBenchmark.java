package io.unshub.bench.jmh;

import io.unshub.sparkplug.codec.DatatypeLookup;
import io.unshub.sparkplug.codec.DecodeResult;
import io.unshub.sparkplug.codec.SparkplugDecoder;
import io.unshub.sparkplug.codec.SparkplugEncoder;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.SparkplugPayload;
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

    private final SparkplugDecoder decoder = new SparkplugDecoder();
    private byte[] data;
    private byte[] birth;
    private DatatypeLookup aliases;

    @Setup
    public void encode() {
        long now = 1_732_000_000_000L;
        AliasedMetricSet metrics = AliasedMetricSet.of(METRICS, now);
        SparkplugEncoder encoder = new SparkplugEncoder();
        birth = encoder.encode(SparkplugPayload.of(now, 0, metrics.birth()));
        data = encoder.encode(SparkplugPayload.of(now + 100, 1, metrics.data()));
        Map<Long, DataType> byAlias = metrics.typeByAlias();
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
