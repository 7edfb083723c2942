package io.unshub.sparkplug.aware;

import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.Origin;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The Sparkplug Aware server's birth store (digest §5.2): every NBIRTH and DBIRTH that passes through the hub is
 * republished, byte for byte, retained and at QoS 1 on {@code $sparkplug/certificates/} + its topic, so late hosts
 * learn names, aliases and datatypes without a rebirth (tck-id-conformance-mqtt-aware-store,
 * -nbirth-mqtt-topic/-retain, -dbirth-mqtt-topic/-retain). The broker's retained store keeps them (and persists
 * them like any retained message); deaths do not delete them.
 *
 * <p>Thread-safe: called on the host's dispatcher.
 */
public final class CertificateStore {

    public static final String PREFIX = "$sparkplug/certificates/";

    private final UnsBus bus;
    private final Origin origin;
    private final AtomicLong stored = new AtomicLong();

    public CertificateStore(UnsBus bus, Origin origin) {
        this.bus = bus;
        this.origin = origin;
    }

    /** Stores a birth as it arrived; {@code birth} is the original message on {@code spBv1.0/...}. */
    public void store(UnsMessage birth) {
        PublishOutcome outcome = bus.publish(UnsMessage.of(PREFIX + birth.topic(), birth.payload(), 1, true,
                MessageProperties.NONE, origin));
        if (outcome.accepted()) {
            stored.incrementAndGet();
        }
    }

    public long stored() {
        return stored.get();
    }
}
