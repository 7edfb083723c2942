package io.unshub.hub.replay;

import io.unshub.broker.handler.SubscriptionHook;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UserProperty;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * The broker's subscription hook as the hub wires it. The broker is built before the historian and the replay
 * runtime exist, so this holder is handed to the broker first and {@link ReplayRuntime} plugs the real hook in at
 * start-up; until then, and after shutdown, replay subscriptions are refused with 0x80 and every other
 * subscription is ordinary.
 *
 * <p>Thread-safe: one volatile field, read on the event loops, written at start and stop.
 */
@Singleton
public class ReplayHook implements SubscriptionHook {

    private volatile SubscriptionHook target;

    void serveWith(SubscriptionHook hook) {
        this.target = hook;
    }

    @Override
    public Decision subscribing(Origin subscriber, String filter, List<UserProperty> userProperties) {
        SubscriptionHook current = target;
        if (current != null) {
            return current.subscribing(subscriber, filter, userProperties);
        }
        return ReplaySubscriptions.asksForReplay(filter, userProperties) ? Decision.refuse(0x80) : null;
    }
}
