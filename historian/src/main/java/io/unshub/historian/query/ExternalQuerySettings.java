package io.unshub.historian.query;

import java.net.URI;
import java.time.Duration;

/**
 * Where aggregates are read when they target an external QuestDB (its HTTP {@code /exec} JSON API).
 *
 * @param url      the server's HTTP base, e.g. {@code http://questdb:9000} (a path prefix behind a proxy is kept)
 * @param username HTTP basic user ({@code http.user} of QuestDB), or {@code null} for none
 * @param password HTTP basic password, or {@code null}; given together with {@code username}
 * @param token    a bearer token (QuestDB Enterprise), or {@code null}; not together with {@code username}
 * @param timeout  longest wait for connecting and for the whole answer
 */
public record ExternalQuerySettings(URI url, String username, String password, String token, Duration timeout) {

    /** @throws IllegalArgumentException naming the bad part */
    public ExternalQuerySettings {
        if (url == null || url.getHost() == null
                || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException("must be an http:// or https:// URL with a host, was '" + url + "'");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("username and password go together");
        }
        if (username != null && token != null) {
            throw new IllegalArgumentException("give either username and password or a token, not both");
        }
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }
}
