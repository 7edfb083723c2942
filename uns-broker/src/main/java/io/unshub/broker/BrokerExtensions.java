package io.unshub.broker;

import io.unshub.broker.handler.SubscriptionHook;
import io.unshub.broker.handler.SubscriptionPolicy;
import io.unshub.broker.security.Authenticator;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishTap;

import java.util.Objects;

/**
 * The rules and observers the hub plugs into the broker: who may connect, who may subscribe to what, which
 * messages may enter the bus (ACL, namespace), and who sees every accepted message inline (the live
 * namespace), and who takes part in subscriptions beyond allowing them (replay's {@code $replay/<filter>}).
 */
public record BrokerExtensions(Authenticator authenticator, SubscriptionPolicy subscriptionPolicy,
                               PublishGuard publishGuard, PublishTap publishTap, SubscriptionHook subscriptionHook) {

    public static final BrokerExtensions NONE = new BrokerExtensions(Authenticator.ALLOW_ANONYMOUS,
            SubscriptionPolicy.ALLOW_ALL, PublishGuard.ACCEPT_ALL, PublishTap.NONE);

    public BrokerExtensions {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(subscriptionPolicy, "subscriptionPolicy");
        Objects.requireNonNull(publishGuard, "publishGuard");
        Objects.requireNonNull(publishTap, "publishTap");
        Objects.requireNonNull(subscriptionHook, "subscriptionHook");
    }

    /** No subscription hook. */
    public BrokerExtensions(Authenticator authenticator, SubscriptionPolicy subscriptionPolicy,
                            PublishGuard publishGuard, PublishTap publishTap) {
        this(authenticator, subscriptionPolicy, publishGuard, publishTap, SubscriptionHook.NONE);
    }

    /** These extensions with {@code hook} taking part in subscriptions. */
    public BrokerExtensions withSubscriptionHook(SubscriptionHook hook) {
        return new BrokerExtensions(authenticator, subscriptionPolicy, publishGuard, publishTap, hook);
    }

    /** Everyone may connect anonymously; the rest as given. */
    public BrokerExtensions(SubscriptionPolicy subscriptionPolicy, PublishGuard publishGuard, PublishTap publishTap) {
        this(Authenticator.ALLOW_ANONYMOUS, subscriptionPolicy, publishGuard, publishTap);
    }
}
