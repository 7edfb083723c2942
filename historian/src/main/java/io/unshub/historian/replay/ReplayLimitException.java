package io.unshub.historian.replay;

/** A replay was refused because the engine runs as many as it may; the message says so. */
public class ReplayLimitException extends RuntimeException {
    public ReplayLimitException(String message) {
        super(message);
    }
}
