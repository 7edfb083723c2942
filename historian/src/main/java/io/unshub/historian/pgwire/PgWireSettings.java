package io.unshub.historian.pgwire;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The read-only PostgreSQL wire listener on the historian's engine.
 *
 * @param host     the IPv4 address to bind ({@code 127.0.0.1}: this machine only; {@code 0.0.0.0}: every interface)
 * @param port     the TCP port; 0 picks a free one ({@link PgWireListener#port()} tells which)
 * @param user     the one user name accepted
 * @param password its password; never logged
 */
public record PgWireSettings(String host, int port, String user, String password) {

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    /** @throws IllegalArgumentException naming the bad part: QuestDB binds IPv4 addresses only */
    public PgWireSettings {
        Objects.requireNonNull(host, "host");
        if (!IPV4.matcher(host).matches()) {
            throw new IllegalArgumentException("host '" + host + "' is not an IPv4 address (e.g. 127.0.0.1 or 0.0.0.0)");
        }
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (user.isBlank() || password.isEmpty()) {
            throw new IllegalArgumentException("user and password must not be empty");
        }
    }

    @Override
    public String toString() {
        return "PgWireSettings[host=" + host + ", port=" + port + ", user=" + user + ", password=****]";
    }
}
