package io.unshub.historian.pgwire;

import java.util.Objects;

/**
 * The read-only PostgreSQL wire listener on the historian's engine.
 *
 * @param host     the IPv4 address to bind ({@code 127.0.0.1}: this machine only; {@code 0.0.0.0}: every interface)
 * @param port     the TCP port; 0 picks a free one ({@link PgWireListener#port()} tells which)
 * @param user     the one user name accepted
 * @param password its password; never logged
 */
public record PgWireSettings(String host, int port, String user, String password) {

    public PgWireSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }

    @Override
    public String toString() {
        return "PgWireSettings[host=" + host + ", port=" + port + ", user=" + user + ", password=****]";
    }
}
