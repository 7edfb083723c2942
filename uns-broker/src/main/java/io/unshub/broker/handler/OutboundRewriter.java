package io.unshub.broker.handler;

/**
 * Lets an extension adjust an outbound PUBLISH as it is written to one subscriber: its payload (the Sparkplug Aware
 * server stamps NDEATH timestamps with the delivery time) and its RETAIN flag (Sparkplug certificates arrive with
 * RETAIN = 1 also when forwarded live). The broker calls {@link #covers} for every PUBLISH it writes, so the
 * broker's hot path costs one reference comparison without a rewriter and one cheap topic test with one; only
 * covered topics reach the other methods.
 *
 * <p>Called on the subscriber's event loop, at the moment the PUBLISH is written (a message queued for an offline
 * client is rewritten when it is finally sent, a resent one again): an implementation decides at once, never blocks
 * and is safe to call from several loops. It works on the message's payload array, which it must not change; it
 * returns a new array or the same one. No Netty buffer crosses this interface: the broker wraps what it gets.
 */
public interface OutboundRewriter {

    /** No rewriting: the broker skips the other calls altogether. */
    OutboundRewriter NONE = new OutboundRewriter() {
        @Override
        public boolean covers(String topic) {
            return false;
        }

        @Override
        public byte[] payload(String topic, byte[] payload, long nowMillis) {
            return payload;
        }

        @Override
        public boolean keepsRetainFlag(String topic) {
            return false;
        }
    };

    /** Whether {@code topic} may be rewritten at all; called for every outbound PUBLISH, so cheap (a prefix test). */
    boolean covers(String topic);

    /**
     * The payload to send for a covered topic.
     *
     * @param payload   the message's payload, shared by every subscriber: read it, never change it
     * @param nowMillis the UTC wall-clock time of this delivery attempt, in ms since the epoch
     * @return {@code payload} itself to send it unchanged, or a new array
     */
    byte[] payload(String topic, byte[] payload, long nowMillis);

    /**
     * Whether a retained message on a covered topic keeps RETAIN = 1 when it is forwarded live, whatever the
     * subscription's retain-as-published option says (MQTT 3.1.1 and MQTT 5 subscribers alike).
     */
    boolean keepsRetainFlag(String topic);
}
