package io.unshub.broker.transport;

import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The admission arithmetic of {@link ConnectionLimiter}, on a clock the test moves. */
class ConnectionLimiterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private static ConnectionLimiter limiter(int total, int perAddress, int perSecond) {
        return new ConnectionLimiter(new ClientLimits(total, perAddress, perSecond, 0, 0, false, 0, 0, 0),
                new BrokerMetrics());
    }

    private static InetAddress address(int i) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >>> 8), (byte) i});
    }

    @Test
    void totalLimitIsExactAndPlacesComeBack() throws Exception {
        ConnectionLimiter limiter = limiter(2, 0, 0);
        assertThat(limiter.admit(address(1), 0)).isNull();
        assertThat(limiter.admit(address(2), 0)).isNull();
        assertThat(limiter.admit(address(3), 0)).isEqualTo(LimitHit.MAX_CONNECTIONS);
        limiter.release(address(1), 0);
        assertThat(limiter.openConnections()).isEqualTo(1);
        assertThat(limiter.admit(address(3), 0)).isNull();
        assertThat(limiter.trackedAddresses()).as("no per-address limit: no per-address state").isZero();
    }

    @Test
    void perAddressLimitDoesNotTouchOtherAddresses() throws Exception {
        ConnectionLimiter limiter = limiter(0, 2, 0);
        assertThat(limiter.admit(address(1), 0)).isNull();
        assertThat(limiter.admit(address(1), 0)).isNull();
        assertThat(limiter.admit(address(1), 0)).isEqualTo(LimitHit.MAX_CONNECTIONS_PER_ADDRESS);
        assertThat(limiter.admit(address(2), 0)).isNull();
        limiter.release(address(1), 0);
        assertThat(limiter.admit(address(1), 0)).isNull();
    }

    @Test
    void connectRateIsATokenBucketOfOneSecond() throws Exception {
        ConnectionLimiter limiter = limiter(0, 0, 4);
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.admit(address(1), 0)).isNull();
        }
        assertThat(limiter.admit(address(1), 0)).isEqualTo(LimitHit.CONNECT_RATE);
        assertThat(limiter.admit(address(1), 249 * MS)).as("a token takes 250 ms").isEqualTo(LimitHit.CONNECT_RATE);
        assertThat(limiter.admit(address(1), 250 * MS)).isNull();
        assertThat(limiter.admit(address(1), 250 * MS)).as("refusals take no token, but there is none").isEqualTo(LimitHit.CONNECT_RATE);
        assertThat(limiter.admit(address(2), 250 * MS)).as("another address has its own bucket").isNull();
    }

    @Test
    void addressStateExpiresSoTheMapStaysBounded() throws Exception {
        ConnectionLimiter limiter = limiter(0, 10, 10);
        long t0 = System.nanoTime(); // the sweep's clock started with the limiter
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.admit(address(i), t0)).isNull();
        }
        assertThat(limiter.trackedAddresses()).isEqualTo(1_000);
        for (int i = 0; i < 1_000; i++) {
            limiter.release(address(i), t0 + 50 * MS); // closed, but their buckets are not full again yet
        }
        assertThat(limiter.trackedAddresses()).isEqualTo(1_000);
        // the next connect after a second sweeps every idle address with a full bucket
        assertThat(limiter.admit(address(5_000), t0 + 2_000 * MS)).isNull();
        assertThat(limiter.trackedAddresses()).isEqualTo(1);
        limiter.release(address(5_000), t0 + 5_000 * MS);
        assertThat(limiter.trackedAddresses()).as("closed with a full bucket: removed at once").isZero();
    }
}
