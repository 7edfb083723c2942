package io.unshub.broker;

import io.unshub.broker.handler.SubscriptionPolicy;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishTap;

import java.util.Objects;

/**
 * The rules and observers the hub plugs into the broker: who may subscribe to what, which messages may
 * enter the bus (namespace, later ACLs), and who sees every accepted message inline (the live namespace).
 */
public record BrokerExtensions(SubscriptionPolicy subscriptionPolicy, PublishGuard publishGuard, PublishTap publishTap) {

    public static final BrokerExtensions NONE =
            new BrokerExtensions(SubscriptionPolicy.ALLOW_ALL, PublishGuard.ACCEPT_ALL, PublishTap.NONE);

    public BrokerExtensions {
        Objects.requireNonNull(subscriptionPolicy, "subscriptionPolicy");
        Objects.requireNonNull(publishGuard, "publishGuard");
        Objects.requireNonNull(publishTap, "publishTap");
    }
}
