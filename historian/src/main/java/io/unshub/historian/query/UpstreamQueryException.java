package io.unshub.historian.query;

/**
 * An external query server was reached but answered with an error (HTTP status, SQL error, rejected credentials,
 * an answer that is not what was asked for); the message names the server's reason. A server that cannot be
 * reached at all is a plain {@link HistoryException}.
 */
public class UpstreamQueryException extends HistoryException {
    public UpstreamQueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
