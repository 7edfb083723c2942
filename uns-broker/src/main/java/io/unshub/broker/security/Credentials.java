package io.unshub.broker.security;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a connecting client presents: from its CONNECT packet and, on TLS listeners, its certificate.
 *
 * @param clientId          the client identifier (assigned by the hub when the client sent none)
 * @param username          the CONNECT user name, or {@code null}
 * @param password          the CONNECT password bytes, or {@code null}; never log them
 * @param address           the client's IP address
 * @param certificates      the client's verified certificate chain on a mutual-TLS listener, else empty
 * @param protocolLevel     3, 4 or 5
 */
public record Credentials(String clientId, String username, byte[] password, InetAddress address,
                          List<X509Certificate> certificates, int protocolLevel) {

    public Credentials {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    public boolean hasPassword() {
        return password != null;
    }

    /** Whether the client connects from this machine (loopback). */
    public boolean isLocal() {
        return address != null && address.isLoopbackAddress();
    }

    @Override
    public String toString() {
        return "Credentials[clientId=" + clientId + ", username=" + username + ", password="
                + (password == null ? "none" : "****") + ", address=" + address + ", certificates="
                + certificates.size() + "]";
    }
}
