package io.unshub.broker;

import io.unshub.broker.handler.OutboundRewriter;
import io.unshub.broker.handler.SubscriptionHook;
import io.unshub.broker.handler.SubscriptionPolicy;
import io.unshub.broker.security.Authenticator;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishTap;

import java.util.Objects;

/**
 * The rules and observers the hub plugs into the broker: who may connect, who may subscribe to what, which
 * messages may enter the bus (ACL, namespace), and who sees every accepted message inline (the live
 * namespace), who takes part in subscriptions beyond allowing them (replay's {@code $replay/<filter>}), and
 * who adjusts outbound PUBLISHes per delivery (the Sparkplug Aware server's NDEATH timestamps and certificate
 * RETAIN flags).
 */
public record BrokerExtensions(Authenticator authenticator, SubscriptionPolicy subscriptionPolicy,
                               PublishGuard publishGuard, PublishTap publishTap, SubscriptionHook subscriptionHook,
                               OutboundRewriter outboundRewriter) {

    public static final BrokerExtensions NONE = new BrokerExtensions(Authenticator.ALLOW_ANONYMOUS,
            SubscriptionPolicy.ALLOW_ALL, PublishGuard.ACCEPT_ALL, PublishTap.NONE);

    public BrokerExtensions {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(subscriptionPolicy, "subscriptionPolicy");
        Objects.requireNonNull(publishGuard, "publishGuard");
        Objects.requireNonNull(publishTap, "publishTap");
        Objects.requireNonNull(subscriptionHook, "subscriptionHook");
        Objects.requireNonNull(outboundRewriter, "outboundRewriter");
    }

    /** No outbound rewriter. */
    public BrokerExtensions(Authenticator authenticator, SubscriptionPolicy subscriptionPolicy,
                            PublishGuard publishGuard, PublishTap publishTap, SubscriptionHook subscriptionHook) {
        this(authenticator, subscriptionPolicy, publishGuard, publishTap, subscriptionHook, OutboundRewriter.NONE);
    }

    /** No subscription hook. */
    public BrokerExtensions(Authenticator authenticator, SubscriptionPolicy subscriptionPolicy,
                            PublishGuard publishGuard, PublishTap publishTap) {
        this(authenticator, subscriptionPolicy, publishGuard, publishTap, SubscriptionHook.NONE);
    }

    /** These extensions with {@code hook} taking part in subscriptions. */
    public BrokerExtensions withSubscriptionHook(SubscriptionHook hook) {
        return new BrokerExtensions(authenticator, subscriptionPolicy, publishGuard, publishTap, hook, outboundRewriter);
    }

    /** These extensions with {@code rewriter} adjusting outbound PUBLISHes. */
    public BrokerExtensions withOutboundRewriter(OutboundRewriter rewriter) {
        return new BrokerExtensions(authenticator, subscriptionPolicy, publishGuard, publishTap, subscriptionHook, rewriter);
    }

    /** Everyone may connect anonymously; the rest as given. */
    public BrokerExtensions(SubscriptionPolicy subscriptionPolicy, PublishGuard publishGuard, PublishTap publishTap) {
        this(Authenticator.ALLOW_ANONYMOUS, subscriptionPolicy, publishGuard, publishTap);
    }
}
