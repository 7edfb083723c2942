package io.unshub.sparkplug.host;

/** Where an edge node (or device) stands in its Sparkplug session. */
public enum NodeStatus {
    /** Seen, but never born while the hub was watching. */
    UNKNOWN,
    /** Born and not dead since. */
    ONLINE,
    /** Dead (NDEATH, DDEATH) or, for devices, waiting for a DBIRTH after a new NBIRTH. */
    OFFLINE
}
