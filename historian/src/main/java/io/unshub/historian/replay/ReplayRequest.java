package io.unshub.historian.replay;

import io.unshub.core.topic.Topics;

/**
 * What to replay: the messages whose topic matches {@code filter}, received in [{@code fromMillis},
 * {@code toMillis}), with a sequence number above {@code afterSequence} (-1: from the start), at {@code speed}
 * (0 as fast as possible, 1 the original pacing, N times faster).
 */
public record ReplayRequest(String filter, long fromMillis, long toMillis, double speed, long afterSequence) {

    /** The fastest pacing factor accepted; anything faster is what speed 0 is for. */
    public static final double MAX_SPEED = 1_000_000;
    /** The slowest pacing factor accepted (a thousand times slower than the original). */
    public static final double MIN_SPEED = 0.001;

    /** Checks every field; the exception's message says what is wrong, for a 400 answer or a SUBACK reason. */
    public ReplayRequest {
        String bad = Topics.validateFilter(filter);
        if (bad != null) {
            throw new IllegalArgumentException("filter: " + bad);
        }
        if (Topics.isShared(filter)) {
            throw new IllegalArgumentException("filter: a shared subscription ($share/...) cannot be replayed");
        }
        if (fromMillis >= toMillis) {
            throw new IllegalArgumentException("from must be before to (from " + fromMillis + " ms, to " + toMillis + " ms)");
        }
        if (!(speed == 0 || (speed >= MIN_SPEED && speed <= MAX_SPEED))) {
            throw new IllegalArgumentException("speed must be 0 (as fast as possible) or a factor from " + MIN_SPEED
                    + " to " + (long) MAX_SPEED + " (1 = original pacing), was " + speed);
        }
        if (afterSequence < -1) {
            throw new IllegalArgumentException("the sequence to resume after must be -1 or more, was " + afterSequence);
        }
    }

    /** Reads a speed argument; null or blank means {@code defaultSpeed}. */
    public static double parseSpeed(String name, String value, double defaultSpeed) {
        if (value == null || value.isBlank()) {
            return defaultSpeed;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: '" + (value.length() > 32 ? value.substring(0, 32) : value) + "'");
        }
    }

    /** The same replay, resumed after {@code sequence}. */
    public ReplayRequest resumedAfter(long sequence) {
        return new ReplayRequest(filter, fromMillis, toMillis, speed, sequence);
    }
}
