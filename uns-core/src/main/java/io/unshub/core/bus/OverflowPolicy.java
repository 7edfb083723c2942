package io.unshub.core.bus;

/** What an in-process subscriber's bounded queue does when it is full. Every drop is counted. */
public enum OverflowPolicy {
    /** Discard the oldest queued message to make room: for live views where the newest value matters. */
    DROP_OLDEST,
    /** Discard the arriving message: for consumers that must see a gap-free prefix. */
    DROP_NEWEST
}
