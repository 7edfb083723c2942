package io.unshub.broker.handler;

import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;
import io.unshub.broker.transport.ReasonCodes;
import io.unshub.core.bus.PublishOutcome;

import java.util.concurrent.TimeUnit;

/**
 * A client's publish quota: two token buckets, PUBLISH packets per second and payload bytes per second,
 * each holding one second's worth and refilled from the elapsed {@link System#nanoTime()} on every call;
 * no timer, no allocation per message. A message larger than a second's worth of bytes passes when the
 * bucket is full and leaves it in debt, so a large message is slowed down rather than refused forever.
 *
 * <p>Threading: one instance per connection, used only on its event loop.
 */
final class PublishQuota {

    private static final double SECOND = TimeUnit.SECONDS.toNanos(1);

    private final int messagesPerSecond;
    private final long bytesPerSecond;
    private double messageTokens;
    private double byteTokens;
    private long refilledAt;
    private boolean refusing;
    /** Set when the connection is being closed for exceeding the quota: what follows is ignored. */
    boolean disconnecting;
    /** The refusals the connection answers with, made once: over quota, QoS 0 is dropped and MQTT 3.1.1 acknowledged. */
    final PublishOutcome.Rejected messagesRefusal;
    final PublishOutcome.Rejected bytesRefusal;

    private PublishQuota(int messagesPerSecond, long bytesPerSecond, long now) {
        this.messagesPerSecond = messagesPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        this.messageTokens = messagesPerSecond;
        this.byteTokens = bytesPerSecond;
        this.refilledAt = now;
        this.messagesRefusal = new PublishOutcome.Rejected(ReasonCodes.QUOTA_EXCEEDED,
                "quota exceeded: more than " + messagesPerSecond + " publishes per second", false, false);
        this.bytesRefusal = new PublishOutcome.Rejected(ReasonCodes.QUOTA_EXCEEDED,
                "quota exceeded: more than " + bytesPerSecond + " payload bytes per second", false, false);
    }

    /** The quota the limits ask for, or null when they set none. */
    static PublishQuota of(ClientLimits limits, long now) {
        if (limits.publishesPerSecond() == 0 && limits.publishBytesPerSecond() == 0) {
            return null;
        }
        return new PublishQuota(limits.publishesPerSecond(), limits.publishBytesPerSecond(), now);
    }

    /**
     * Takes one message of {@code payloadBytes} from the quota at {@code now} (nanoTime), or returns the limit
     * that refuses it (and takes nothing).
     */
    LimitHit acquire(int payloadBytes, long now) {
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            refilledAt = now;
            if (messagesPerSecond > 0) {
                messageTokens = Math.min(messagesPerSecond, messageTokens + elapsed * messagesPerSecond / SECOND);
            }
            if (bytesPerSecond > 0) {
                byteTokens = Math.min(bytesPerSecond, byteTokens + elapsed * bytesPerSecond / SECOND);
            }
        }
        LimitHit refusal = null;
        if (messagesPerSecond > 0 && messageTokens < 1) {
            refusal = LimitHit.PUBLISH_RATE;
        } else if (bytesPerSecond > 0 && byteTokens < Math.min(payloadBytes, bytesPerSecond)) {
            refusal = LimitHit.PUBLISH_BYTES;
        }
        if (refusal != null) {
            return refusal;
        }
        refusing = false;
        if (messagesPerSecond > 0) {
            messageTokens -= 1;
        }
        if (bytesPerSecond > 0) {
            byteTokens -= payloadBytes;
        }
        return null;
    }

    /** After a refusal: whether it was the first since a message last passed (a new episode worth auditing). */
    boolean startRefusing() {
        boolean first = !refusing;
        refusing = true;
        return first;
    }
}
