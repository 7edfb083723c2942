package io.unshub.broker.config;

/**
 * Limits that keep one client, or one address, from taking the broker down. 0 means unlimited.
 *
 * @param maxConnections            open MQTT connections in total
 * @param maxConnectionsPerAddress  open connections from one IP address
 * @param connectsPerSecondPerAddress new connections per second from one IP address
 * @param publishesPerSecond        PUBLISH packets per second from one client
 * @param publishBytesPerSecond     payload bytes per second from one client
 * @param disconnectOverQuota       over a publish quota: disconnect (true) or refuse with 0x97 / drop (false)
 * @param maxSubscriptionsPerClient subscriptions one session may hold
 * @param maxTopicLevels            levels in a topic name or filter
 * @param maxTopicLength            UTF-8 bytes in a topic name or filter
 * @param maxInflightOut            QoS 1/2 messages sent to one client and not yet acknowledged; further messages
 *                                  wait in its session queue. The client's MQTT 5 receive maximum lowers it further
 */
public record ClientLimits(int maxConnections, int maxConnectionsPerAddress, int connectsPerSecondPerAddress,
                           int publishesPerSecond, long publishBytesPerSecond, boolean disconnectOverQuota,
                           int maxSubscriptionsPerClient, int maxTopicLevels, int maxTopicLength, int maxInflightOut) {

    /** No limits beyond what MQTT itself imposes. */
    public static final ClientLimits UNLIMITED = new ClientLimits(0, 0, 0, 0, 0, false, 0, 0, 0, 0);

    public ClientLimits {
        if (maxConnections < 0 || maxConnectionsPerAddress < 0 || connectsPerSecondPerAddress < 0
                || publishesPerSecond < 0 || publishBytesPerSecond < 0 || maxSubscriptionsPerClient < 0
                || maxTopicLevels < 0 || maxTopicLength < 0 || maxInflightOut < 0) {
            throw new IllegalArgumentException("limits must be zero (unlimited) or positive");
        }
    }

    /** Without an outbound in-flight cap (only the client's receive maximum applies). */
    public ClientLimits(int maxConnections, int maxConnectionsPerAddress, int connectsPerSecondPerAddress,
                        int publishesPerSecond, long publishBytesPerSecond, boolean disconnectOverQuota,
                        int maxSubscriptionsPerClient, int maxTopicLevels, int maxTopicLength) {
        this(maxConnections, maxConnectionsPerAddress, connectsPerSecondPerAddress, publishesPerSecond,
                publishBytesPerSecond, disconnectOverQuota, maxSubscriptionsPerClient, maxTopicLevels, maxTopicLength, 0);
    }

    /** The same limits with outbound in-flight messages per client capped at {@code max} (0 = no cap). */
    public ClientLimits withMaxInflightOut(int max) {
        return new ClientLimits(maxConnections, maxConnectionsPerAddress, connectsPerSecondPerAddress,
                publishesPerSecond, publishBytesPerSecond, disconnectOverQuota, maxSubscriptionsPerClient,
                maxTopicLevels, maxTopicLength, max);
    }
}
