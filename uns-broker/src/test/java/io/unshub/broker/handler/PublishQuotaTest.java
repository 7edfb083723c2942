package io.unshub.broker.handler;

import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The token buckets of {@link PublishQuota}, on a clock the test moves. */
class PublishQuotaTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private static PublishQuota quota(int perSecond, long bytesPerSecond) {
        return PublishQuota.of(new ClientLimits(0, 0, 0, perSecond, bytesPerSecond, false, 0, 0, 0), 0);
    }

    @Test
    void noQuotaConfiguredMeansNoQuotaObject() {
        assertThat(quota(0, 0)).isNull();
    }

    @Test
    void messagesPerSecondBurstThenRefill() {
        PublishQuota quota = quota(10, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(quota.acquire(1_000_000, 0)).isNull();
        }
        assertThat(quota.acquire(1, 0)).isEqualTo(LimitHit.PUBLISH_RATE);
        assertThat(quota.startRefusing()).as("first refusal of an episode").isTrue();
        assertThat(quota.acquire(1, 99 * MS)).isEqualTo(LimitHit.PUBLISH_RATE);
        assertThat(quota.startRefusing()).isFalse();
        assertThat(quota.acquire(1, 100 * MS)).isNull();
        assertThat(quota.acquire(1, 100 * MS)).isEqualTo(LimitHit.PUBLISH_RATE);
        assertThat(quota.startRefusing()).as("a message passed in between: a new episode").isTrue();
        assertThat(quota.acquire(1, 60_000 * MS)).isNull();
        for (int i = 0; i < 9; i++) {
            assertThat(quota.acquire(1, 60_000 * MS)).as("the bucket holds one second, however long the pause").isNull();
        }
        assertThat(quota.acquire(1, 60_000 * MS)).isEqualTo(LimitHit.PUBLISH_RATE);
    }

    @Test
    void bytesPerSecondWithDebtForLargeMessages() {
        PublishQuota quota = quota(0, 1_000);
        assertThat(quota.acquire(600, 0)).isNull();
        assertThat(quota.acquire(600, 0)).isEqualTo(LimitHit.PUBLISH_BYTES);
        assertThat(quota.acquire(400, 0)).isNull();
        assertThat(quota.acquire(3_000, 999 * MS)).as("larger than the bucket: waits for a full one")
                .isEqualTo(LimitHit.PUBLISH_BYTES);
        assertThat(quota.acquire(3_000, 1_000 * MS)).isNull();
        assertThat(quota.acquire(1, 2_999 * MS)).as("2,000 bytes of debt take 2 s to repay").isEqualTo(LimitHit.PUBLISH_BYTES);
        assertThat(quota.acquire(1, 3_001 * MS)).isNull();
    }

    @Test
    void bothLimitsApply() {
        PublishQuota quota = quota(100, 100);
        assertThat(quota.acquire(100, 0)).isNull();
        assertThat(quota.acquire(0, 0)).as("an empty payload needs no bytes").isNull();
        assertThat(quota.acquire(1, 0)).isEqualTo(LimitHit.PUBLISH_BYTES);
    }
}
