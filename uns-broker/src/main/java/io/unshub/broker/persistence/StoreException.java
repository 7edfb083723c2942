package io.unshub.broker.persistence;

/**
 * Why a commit failed. Delivered through the commit's future, never thrown at the caller: the broker
 * answers the held-back acknowledgement with an error (MQTT 5) or withholds it (3.1.1).
 */
public final class StoreException extends RuntimeException {

    public enum Reason {
        /** The writer's queue is full: the disk cannot keep up. Transient; the client may retry. */
        OVERLOADED,
        /** The store is closed or closing. */
        CLOSED,
        /** A write or an fsync failed; the store takes no more writes (the hub is not ready). */
        FAILED
    }

    /**
     * Shared instance for the overload path, which must stay cheap when it fires thousands of times per
     * second: no stack trace, no suppression.
     */
    static final StoreException OVERLOADED = new StoreException(Reason.OVERLOADED, "store overloaded", null, false);
    static final StoreException CLOSED = new StoreException(Reason.CLOSED, "store closed", null, false);

    private final Reason reason;

    StoreException(Reason reason, String message, Throwable cause) {
        this(reason, message, cause, true);
    }

    private StoreException(Reason reason, String message, Throwable cause, boolean writableStackTrace) {
        super(message, cause, writableStackTrace, writableStackTrace);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
