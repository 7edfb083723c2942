package io.unshub.bench.load;

import io.unshub.bench.load.ResultRow.Column;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * End-to-end latency (publisher hands message to client -> subscriber callback) in nanoseconds. HdrHistogram's
 * {@link Recorder} takes concurrent, wait-free recordings from all subscriber callback threads, and hands out the
 * values recorded since the last call, which is how warm-up samples are discarded.
 */
final class LatencyRecorder {

    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);

    void record(long latencyNanos) {
        // A negative value cannot happen with one monotonic clock, but a corrupt payload must not kill the callback.
        recorder.recordValue(Math.max(0, latencyNanos));
    }

    /** Forgets everything recorded so far, e.g. at the end of the warm-up. */
    void reset() {
        recorder.getIntervalHistogram();
    }

    /** Values recorded since the last {@link #reset()} or snapshot. */
    Histogram takeSnapshot() {
        return recorder.getIntervalHistogram();
    }

    static void describe(ResultRow row, Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return;
        }
        row.set(Column.LATENCY_P50_US, histogram.getValueAtPercentile(50) / 1e3);
        row.set(Column.LATENCY_P90_US, histogram.getValueAtPercentile(90) / 1e3);
        row.set(Column.LATENCY_P99_US, histogram.getValueAtPercentile(99) / 1e3);
        row.set(Column.LATENCY_P999_US, histogram.getValueAtPercentile(99.9) / 1e3);
        row.set(Column.LATENCY_MAX_US, histogram.getMaxValue() / 1e3);
    }
}
