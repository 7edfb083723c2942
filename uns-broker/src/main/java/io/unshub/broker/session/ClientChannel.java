package io.unshub.broker.session;

/**
 * What a session needs from the network connection it is attached to. Implemented by the connection
 * handler; every method is called on the connection's event loop, which is then the session's home.
 */
public interface ClientChannel {

    /**
     * Encodes and writes (without flushing) a PUBLISH for {@code delivery}.
     *
     * @return false if the packet was larger than the client's maximum packet size and was discarded
     *         [MQTT-3.1.2-25]
     */
    boolean writePublish(Delivery delivery, int packetId, boolean dup);

    void writePubRel(int packetId);

    void flush();

    /** Whether the socket accepts more data without exceeding the write buffer high-water mark. */
    boolean isWritable();

    /**
     * QoS 1/2 publishes sent to the client and not yet acknowledged, at most: its receive maximum, capped by the
     * broker's {@code maxInflightOut}.
     */
    int receiveMaximum();

    /** Disconnects with a reason code (MQTT 5 DISCONNECT when the client speaks 5.0). */
    void disconnect(int reasonCode, String reason);

    /**
     * Closes because a newer connection took the client id [MQTT-3.1.4-3].
     *
     * @param sessionContinues whether the newer connection resumes the session (otherwise it ends now)
     */
    void takenOver(boolean sessionContinues);
}
