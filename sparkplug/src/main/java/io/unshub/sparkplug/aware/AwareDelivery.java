package io.unshub.sparkplug.aware;

import io.unshub.core.log.RateLimitedLog;
import io.unshub.sparkplug.codec.PayloadTimestamp;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the Sparkplug Aware server changes in an outbound PUBLISH as it is written to one subscriber (digest §5.2,
 * points 2 and 4); the hub plugs it into the broker's outbound rewriter.
 *
 * <ul>
 *   <li>NDEATH on {@code spBv1.0/<group>/NDEATH/<node>}, wills and explicit ones alike: {@code Payload.timestamp} is
 *       replaced by the UTC time at which the broker attempts this delivery
 *       (tck-id-conformance-mqtt-aware-ndeath-timestamp); every other field is kept byte for byte
 *       ({@link PayloadTimestamp}), a compressed payload's inner payload is stamped too. Per delivery, as HiveMQ
 *       does, rather than once per publish: a message that waited in an offline session's queue is stamped when it
 *       is finally sent, which is what "attempts delivery" means, and NDEATHs are rare enough (one per edge
 *       disconnect) that one small re-encode per subscriber costs nothing measurable. A payload that does not
 *       decode is delivered unchanged, counted and logged (rate-limited), never dropped. The hub's own host and
 *       the historian receive the NDEATH as published (they are bus subscribers, not network deliveries).</li>
 *   <li>Certificates under {@code $sparkplug/certificates/}: delivered with RETAIN = 1 also when forwarded live
 *       to a subscriber that was already there, for MQTT 3.1.1 and MQTT 5 alike (HiveMQ forces retain-as-published
 *       on {@code $sparkplug/} subscriptions; the TCK needs RETAIN = 1 on the live copy).</li>
 * </ul>
 *
 * <p>Thread-safe and lock-free: called on every subscriber's event loop; the counters are adders.
 */
public final class AwareDelivery {

    static final String NAMESPACE = "spBv1.0/";
    private static final String NDEATH = "NDEATH/";
    private static final RateLimitedLog LOG = RateLimitedLog.standard(LoggerFactory.getLogger(AwareDelivery.class));

    private final boolean stampNdeath;
    private final PayloadTimestamp timestamps = new PayloadTimestamp();
    private final LongAdder stamped = new LongAdder();
    private final LongAdder unstamped = new LongAdder();

    /** @param stampNdeath replace NDEATH timestamps at delivery ({@code uns.sparkplug.aware.stamp-ndeath-timestamp}) */
    public AwareDelivery(boolean stampNdeath) {
        this.stampNdeath = stampNdeath;
    }

    /** Whether this may change a PUBLISH on {@code topic}: an NDEATH (when stamping) or a certificate. Cheap. */
    public boolean covers(String topic) {
        return stampNdeath && isNdeath(topic) || keepsRetainFlag(topic);
    }

    /**
     * The payload to deliver on {@code topic} at {@code nowMillis}: a stamped copy of an NDEATH, otherwise (and for
     * an NDEATH that does not decode) {@code payload} itself, which is never modified.
     */
    public byte[] payload(String topic, byte[] payload, long nowMillis) {
        if (!stampNdeath || !isNdeath(topic)) {
            return payload;
        }
        byte[] result = timestamps.replace(payload, nowMillis);
        if (result == null) {
            unstamped.increment();
            LOG.warn("NDEATH on {} does not decode as Sparkplug B: delivered without a new timestamp", topic);
            return payload;
        }
        stamped.increment();
        return result;
    }

    /** Whether a retained message on {@code topic} keeps RETAIN = 1 on live deliveries: the certificates. */
    public boolean keepsRetainFlag(String topic) {
        return topic.startsWith(CertificateStore.PREFIX);
    }

    /** NDEATH deliveries whose timestamp was replaced. */
    public long stamped() {
        return stamped.sum();
    }

    /** NDEATH deliveries left unchanged because the payload did not decode. */
    public long unstamped() {
        return unstamped.sum();
    }

    /** {@code spBv1.0/<group>/NDEATH/<node>} with non-empty ids, without allocating. */
    static boolean isNdeath(String topic) {
        if (!topic.startsWith(NAMESPACE)) {
            return false;
        }
        int groupEnd = topic.indexOf('/', NAMESPACE.length());
        if (groupEnd <= NAMESPACE.length() || !topic.startsWith(NDEATH, groupEnd + 1)) {
            return false;
        }
        int node = groupEnd + 1 + NDEATH.length();
        return node < topic.length() && topic.indexOf('/', node) < 0;
    }
}
