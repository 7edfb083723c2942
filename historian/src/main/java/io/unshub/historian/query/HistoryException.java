package io.unshub.historian.query;

/** The store could not answer a history read; the message says why. */
public class HistoryException extends Exception {
    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
