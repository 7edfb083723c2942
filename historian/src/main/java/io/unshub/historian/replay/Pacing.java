package io.unshub.historian.replay;

/**
 * When each record of a paced replay is due: the original receive-time gap from the first record, divided by
 * the speed, after the moment the first record went out. Speed 0 makes every record due at once.
 */
public final class Pacing {

    private final double speed;

    public Pacing(double speed) {
        this.speed = speed;
    }

    /**
     * Nanoseconds after the anchor (the emission of the record received at {@code anchorMillis}) at which a record
     * received at {@code receivedMillis} is due; 0 for speed 0 and for records received before the anchor.
     */
    public long offsetNanos(long anchorMillis, long receivedMillis) {
        long gapMillis = receivedMillis - anchorMillis;
        if (speed == 0 || gapMillis <= 0) {
            return 0;
        }
        double nanos = gapMillis * 1_000_000d / speed;
        return nanos >= Long.MAX_VALUE / 2d ? Long.MAX_VALUE / 2 : (long) nanos;
    }

    public boolean paced() {
        return speed != 0;
    }
}
