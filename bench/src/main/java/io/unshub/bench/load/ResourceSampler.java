package io.unshub.bench.load;

import io.unshub.bench.load.ResultRow.Column;

/**
 * Samples the broker's and the generator's CPU time (and the broker's RSS, and the rest of the machine's CPU use) at the edges of a measured phase, so the
 * broker's cost per delivered message and the generator's own load can be reported. The generator's CPU share shows
 * whether the generator, not the broker, was the bottleneck: on a core of its own it saturates near 100%.
 */
final class ResourceSampler {

    private static final double KIB_PER_MIB = 1024.0;

    record Snapshot(long nanoTime, double brokerCpuSeconds, long brokerRssKib, double generatorCpuSeconds,
                    double machineBusyCpuSeconds) {
    }

    private final ProcStats broker;
    private final ProcStats generator;
    private final long clockTicksPerSecond;

    ResourceSampler(BenchOptions options) {
        this.clockTicksPerSecond = ProcStats.clockTicksPerSecond();
        this.generator = ProcStats.ofCurrentProcess(clockTicksPerSecond);
        this.broker = options.hasBrokerPid() ? new ProcStats(options.brokerPid, clockTicksPerSecond) : null;
        if (broker != null && !broker.isAlive()) {
            throw new IllegalArgumentException("--broker-pid " + options.brokerPid + ": no such process");
        }
    }

    Snapshot sample() {
        long now = System.nanoTime();
        double machineBusy = ProcStats.machineBusyCpuSeconds(clockTicksPerSecond);
        double generatorCpu = generator.cpuSeconds();
        if (broker == null) {
            return new Snapshot(now, Double.NaN, -1, generatorCpu, machineBusy);
        }
        return new Snapshot(now, broker.cpuSeconds(), broker.residentKib(), generatorCpu, machineBusy);
    }

    /** Fills the CPU and memory columns for the phase between two snapshots in which {@code deliveries} happened. */
    void describePhase(ResultRow row, Snapshot start, Snapshot end, long deliveries) {
        double wallSeconds = (end.nanoTime() - start.nanoTime()) / 1e9;
        row.set(Column.MEASURED_S, wallSeconds);
        double generatorCpuSeconds = end.generatorCpuSeconds() - start.generatorCpuSeconds();
        row.set(Column.GENERATOR_CPU_PCT, 100 * generatorCpuSeconds / wallSeconds);
        if (broker == null) {
            return;
        }
        double brokerCpuSeconds = end.brokerCpuSeconds() - start.brokerCpuSeconds();
        double machineBusySeconds = end.machineBusyCpuSeconds() - start.machineBusyCpuSeconds();
        // Anything else running (builds, other benchmarks, steal) competes for the two pinned cores and makes the
        // numbers unreliable; reporting it lets a reader discard disturbed runs. Clamped: the counters tick
        // independently, so a quiet machine can come out a little below zero.
        row.set(Column.OTHER_CPU_PCT,
                Math.max(0, 100 * (machineBusySeconds - brokerCpuSeconds - generatorCpuSeconds) / wallSeconds));
        row.set(Column.BROKER_CPU_S, brokerCpuSeconds);
        row.set(Column.BROKER_CPU_PCT, 100 * brokerCpuSeconds / wallSeconds);
        if (deliveries > 0) {
            row.set(Column.BROKER_CPU_US_PER_MSG, brokerCpuSeconds * 1e6 / deliveries);
        }
        row.set(Column.BROKER_RSS_START_MB, start.brokerRssKib() / KIB_PER_MIB);
        row.set(Column.BROKER_RSS_MB, end.brokerRssKib() / KIB_PER_MIB);
        row.set(Column.BROKER_RSS_PEAK_MB, broker.peakResidentKib() / KIB_PER_MIB);
    }
}
