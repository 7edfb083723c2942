package io.unshub.sparkplug.aware;

import io.unshub.core.log.RateLimitedLog;
import io.unshub.sparkplug.codec.PayloadTimestamp;
import io.unshub.sparkplug.codec.PayloadTimestamp.Stamp;
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
 *       is finally sent, which is what "attempts delivery" means. This runs on event loops and anyone with
 *       {@code spBv1.0/#} rights can publish NDEATHs, so the costly part (decoding, inflating, compressing) is done
 *       once per message and thread ({@link StampCache}) and each delivery only writes the timestamp and copies
 *       bytes; a payload above {@value #MAX_PAYLOAD_BYTES} bytes, or a compressed one inflating beyond
 *       {@value #MAX_INFLATED_BYTES} bytes (real NDEATHs are a few dozen bytes), is not stamped. A payload that is
 *       not stamped for either reason is delivered unchanged, counted and logged (rate-limited), never dropped.
 *       The hub's own host and the historian receive the NDEATH as published (they are bus subscribers, not
 *       network deliveries).</li>
 *   <li>Certificates under {@code $sparkplug/certificates/}: delivered with RETAIN = 1 also when forwarded live
 *       to a subscriber that was already there, for MQTT 3.1.1 and MQTT 5 alike (HiveMQ forces retain-as-published
 *       on {@code $sparkplug/} subscriptions; the TCK needs RETAIN = 1 on the live copy).</li>
 * </ul>
 *
 * <p>Thread-safe and lock-free: called on every subscriber's event loop; the counters are adders and each
 * event loop thread owns its own {@link StampCache}.
 */
public final class AwareDelivery {

    static final String NAMESPACE = "spBv1.0/";
    private static final String NDEATH = "NDEATH/";
    private static final RateLimitedLog LOG = RateLimitedLog.standard(LoggerFactory.getLogger(AwareDelivery.class));

    private final boolean stampNdeath;
    /** Largest NDEATH payload that is stamped; larger ones are delivered as published. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    /** Largest inflated size of a compressed NDEATH that is stamped. */
    public static final int MAX_INFLATED_BYTES = 64 * 1024;

    private final PayloadTimestamp timestamps = new PayloadTimestamp(MAX_INFLATED_BYTES);
    private final ThreadLocal<StampCache> caches = ThreadLocal.withInitial(StampCache::new);
    private final LongAdder prepared = new LongAdder();
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
        if (payload.length > MAX_PAYLOAD_BYTES) {
            unstamped.increment();
            LOG.warn("NDEATH on {} has {} bytes, more than the {} that are stamped: delivered without a new timestamp",
                    topic, payload.length, MAX_PAYLOAD_BYTES);
            return payload;
        }
        StampCache cache = caches.get();
        Object cached = cache.get(payload);
        if (cached == null) {
            Stamp stamp = timestamps.prepare(payload);
            prepared.increment();
            cache.put(payload, stamp);
            cached = stamp == null ? StampCache.REFUSED : stamp;
        }
        if (cached == StampCache.REFUSED) {
            unstamped.increment();
            LOG.warn("NDEATH on {} does not decode as Sparkplug B (or inflates beyond {} bytes): delivered without a "
                    + "new timestamp", topic, MAX_INFLATED_BYTES);
            return payload;
        }
        stamped.increment();
        return ((Stamp) cached).apply(nowMillis);
    }

    /** Whether a retained message on {@code topic} keeps RETAIN = 1 on live deliveries: the certificates. */
    public boolean keepsRetainFlag(String topic) {
        return topic.startsWith(CertificateStore.PREFIX);
    }

    /** NDEATH deliveries whose timestamp was replaced. */
    public long stamped() {
        return stamped.sum();
    }

    /** NDEATH payloads analysed for stamping (once per message and event loop, however many deliveries). */
    long preparations() {
        return prepared.sum();
    }

    /** NDEATH deliveries left unchanged because the payload did not decode or was too large. */
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
