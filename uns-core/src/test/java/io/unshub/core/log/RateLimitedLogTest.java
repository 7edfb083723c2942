package io.unshub.core.log;

import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The line budget of {@link RateLimitedLog}, on a clock the test moves. */
class RateLimitedLogTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void twentyLinesPerTenSecondsThenCounted() {
        RateLimitedLog audit = new RateLimitedLog(NOPLogger.NOP_LOGGER, 20, 10, TimeUnit.SECONDS);
        long start = System.nanoTime(); // not before the first window's start
        int written = 0;
        for (int i = 0; i < 1_000; i++) {
            if (audit.permit(start + i * 1_000L)) {
                written++;
            }
        }
        assertThat(written).isEqualTo(20);
        assertThat(audit.suppressed()).isEqualTo(980);
        assertThat(audit.permit(start + 9 * SECOND)).isFalse();
        assertThat(audit.permit(start + 10 * SECOND)).as("a new window").isTrue();
        assertThat(audit.suppressed()).as("reported when the window ended").isZero();
    }
}
