package io.unshub.broker.handler;

import io.unshub.core.message.Origin;
import io.unshub.core.message.UserProperty;

import java.util.List;
import java.util.function.Consumer;

/**
 * Lets an extension take part in a SUBSCRIBE: it sees each filter the subscription policy allowed, with the
 * packet's MQTT 5 user properties, and may refuse it or be handed an outlet that delivers to that one
 * subscription. Replay uses it for {@code $replay/<filter>} subscriptions carrying {@code replay-from}.
 *
 * <p>Called on the client's event loop: an implementation decides at once and never blocks.
 */
@FunctionalInterface
public interface SubscriptionHook {

    /**
     * Decides about one filter of a SUBSCRIBE that the subscription policy allowed.
     *
     * @param subscriber     the client, with its authenticated user and roles
     * @param filter         the filter as requested
     * @param userProperties the SUBSCRIBE packet's user properties (empty for MQTT 3.1.1 and when none were sent)
     * @return {@code null} for an ordinary subscription, else the {@link Decision}
     */
    Decision subscribing(Origin subscriber, String filter, List<UserProperty> userProperties);

    SubscriptionHook NONE = (subscriber, filter, userProperties) -> null;

    /**
     * What the hook wants: a refusal (an MQTT 5 reason code of 0x80 or more; MQTT 3.1.1 clients get 0x80), or an
     * ordinary subscription whose {@code outlet} consumer runs on the client's event loop once the SUBACK is
     * written, so nothing delivered through the outlet can overtake the SUBACK.
     */
    record Decision(int refusal, Consumer<SubscriptionOutlet> outlet) {

        public static Decision refuse(int reasonCode) {
            if (reasonCode < 0x80) {
                throw new IllegalArgumentException("a refusal needs a reason code of 0x80 or more, was " + reasonCode);
            }
            return new Decision(reasonCode, null);
        }

        public static Decision serve(Consumer<SubscriptionOutlet> outlet) {
            return new Decision(0, java.util.Objects.requireNonNull(outlet, "outlet"));
        }
    }
}
