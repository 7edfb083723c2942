package io.unshub.opcua.config;

/**
 * How one monitored item samples its node.
 *
 * @param samplingIntervalMs requested sampling interval (0 = as fast as the server can, -1 = the publishing interval)
 * @param queueSize          server-side queue size
 * @param discardOldest      which value the server drops when the queue is full
 * @param deadband           the data change filter
 */
public record ItemSettings(double samplingIntervalMs, int queueSize, boolean discardOldest, Deadband deadband) {

    public static final ItemSettings DEFAULT = new ItemSettings(-1, 10, true, Deadband.NONE);

    public enum DeadbandType { none, absolute, percent }

    /** {@code percent} needs the node to have an EURange; the server refuses the item otherwise. */
    public record Deadband(DeadbandType type, double value) {
        public static final Deadband NONE = new Deadband(DeadbandType.none, 0);
    }
}
