package io.unshub.opcua.connection;

/** Where a connection stands; published under {@code _meta} and in REST. */
public enum ConnectionState {
    /** The first attempt is under way. */
    connecting,
    /** A session is active and the subscription runs. */
    connected,
    /** Not connected; the next attempt is scheduled with back-off. */
    reconnecting,
    /** The bridge stopped the connection. */
    stopped
}
