package io.unshub.broker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The TLS listeners (MQTT over TLS and secure WebSocket), from PEM files.
 *
 * @param port           MQTT over TLS; 0 = ephemeral, {@link BrokerConfig#DISABLED} = off
 * @param wssPort        secure WebSocket (same path as the plain one); 0 = ephemeral, -1 = off
 * @param certificate    PEM certificate chain of the server, or {@code null}: no TLS listener at all
 * @param privateKey     PEM private key (PKCS#8) of the server
 * @param clientCa       PEM CA certificates client certificates must chain to, or {@code null}
 * @param clientAuth     whether clients must, may or need not present a certificate
 * @param identity       which part of a client certificate names the client's identity
 * @param protocols      TLS versions offered (only TLSv1.2 and TLSv1.3 are accepted)
 * @param reloadInterval how often the PEM files are checked for changes (zero = never)
 */
public record TlsSettings(int port, int wssPort, Path certificate, Path privateKey, Path clientCa,
                          ClientAuth clientAuth, CertificateIdentity identity, List<String> protocols,
                          Duration reloadInterval) {

    /** No TLS listener. */
    public static final TlsSettings OFF = new TlsSettings(BrokerConfig.DISABLED, BrokerConfig.DISABLED, null, null,
            null, ClientAuth.NONE, CertificateIdentity.CN, List.of("TLSv1.3", "TLSv1.2"), Duration.ZERO);

    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    /** Where a client certificate's identity comes from. */
    public enum CertificateIdentity { CN, SAN_DNS, SAN_EMAIL, SAN_URI }

    public TlsSettings {
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(identity, "identity");
        protocols = List.copyOf(protocols);
        for (String protocol : protocols) {
            if (!protocol.equals("TLSv1.2") && !protocol.equals("TLSv1.3")) {
                throw new IllegalArgumentException("tls protocols must be TLSv1.2 and/or TLSv1.3, was " + protocol);
            }
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("tls protocols must name TLSv1.2 and/or TLSv1.3");
        }
        if (certificate != null && privateKey == null) {
            throw new IllegalArgumentException("tls privateKey is needed with a certificate");
        }
        if (clientAuth != ClientAuth.NONE && clientCa == null) {
            throw new IllegalArgumentException("tls clientCa is needed to verify client certificates");
        }
        if (reloadInterval == null || reloadInterval.isNegative()) {
            throw new IllegalArgumentException("tls reloadInterval must be zero or positive");
        }
    }

    public boolean enabled() {
        return certificate != null && (port != BrokerConfig.DISABLED || wssPort != BrokerConfig.DISABLED);
    }
}
