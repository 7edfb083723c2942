package io.unshub.sparkplug.aware;

import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;

/**
 * Keeps {@code $sparkplug/} for the hub (digest §5.2, point 5): a network client or will publishing there is
 * refused with 0x87, so nobody can forge a birth certificate that late hosts would trust. In-process components
 * (the certificate store) pass. Stateless; runs on the publisher's thread without allocating when it accepts.
 */
public final class CertificateGuard implements PublishGuard {

    private static final PublishOutcome.Rejected REFUSED = new PublishOutcome.Rejected(0x87,
            "$sparkplug/ is written by the hub's Sparkplug Aware store only", false, false);

    @Override
    public PublishOutcome.Rejected check(UnsMessage message) {
        if (message.origin().kind() != Origin.Kind.INTERNAL && message.topic().startsWith("$sparkplug/")) {
            return REFUSED;
        }
        return null;
    }
}
