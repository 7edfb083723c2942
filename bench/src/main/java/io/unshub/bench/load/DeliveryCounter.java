package io.unshub.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts deliveries across all subscribers of a run, records their latency, and opens a latch when a delivery target
 * is reached, so a count-bounded measurement ends exactly when the last counted message arrives.
 */
final class DeliveryCounter {

    private final AtomicLong delivered = new AtomicLong();
    private final LatencyRecorder latency = new LatencyRecorder();
    private final CountDownLatch targetReached = new CountDownLatch(1);
    private volatile long target = Long.MAX_VALUE;

    void onDelivery(long latencyNanos) {
        latency.record(latencyNanos);
        if (delivered.incrementAndGet() == target) {
            targetReached.countDown();
        }
    }

    long delivered() {
        return delivered.get();
    }

    LatencyRecorder latency() {
        return latency;
    }

    /** Opens {@link #targetReached()} once {@code additionalDeliveries} more messages have been delivered. */
    void setTargetFromNow(long additionalDeliveries) {
        if (additionalDeliveries == Long.MAX_VALUE) {
            return;
        }
        target = delivered.get() + additionalDeliveries;
    }

    CountDownLatch targetReached() {
        return targetReached;
    }
}
