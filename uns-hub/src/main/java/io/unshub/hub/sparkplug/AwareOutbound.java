package io.unshub.hub.sparkplug;

import io.unshub.broker.handler.OutboundRewriter;
import io.unshub.hub.config.SparkplugConfig;
import io.unshub.sparkplug.aware.AwareDelivery;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Plugs the Sparkplug Aware server's delivery rules ({@link AwareDelivery}: NDEATH timestamps stamped at delivery,
 * certificates with RETAIN on live deliveries) into the broker's outbound rewriter. The broker is built before the
 * host starts, so this bean exists on its own; with {@code uns.sparkplug.enabled=false} the broker gets
 * {@link OutboundRewriter#NONE} and its delivery path is untouched.
 *
 * <p>Stateless apart from {@link AwareDelivery}'s counters; called on the broker's event loops.
 */
@Singleton
public class AwareOutbound implements OutboundRewriter {

    private final AwareDelivery delivery;

    AwareOutbound(SparkplugConfig config) {
        this.delivery = config.enabled() ? new AwareDelivery(config.aware().stampNdeathTimestamp()) : null;
    }

    /** What the broker should use: this, or {@link OutboundRewriter#NONE} when the Sparkplug host is off. */
    public OutboundRewriter rewriter() {
        return delivery == null ? OutboundRewriter.NONE : this;
    }

    /** The counters, empty when the Sparkplug host is off. */
    public Optional<AwareDelivery> delivery() {
        return Optional.ofNullable(delivery);
    }

    @Override
    public boolean covers(String topic) {
        return delivery.covers(topic);
    }

    @Override
    public byte[] payload(String topic, byte[] payload, long nowMillis) {
        return delivery.payload(topic, payload, nowMillis);
    }

    @Override
    public boolean keepsRetainFlag(String topic) {
        return delivery.keepsRetainFlag(topic);
    }
}
