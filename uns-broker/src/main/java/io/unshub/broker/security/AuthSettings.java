package io.unshub.broker.security;

import io.unshub.broker.config.TlsSettings.CertificateIdentity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link HubAuthenticator} decides who may connect.
 *
 * @param anonymous           who may connect without credentials (default {@link Anonymous#LOCAL})
 * @param usersFile           {@code users.yaml}, or {@code null} for no password users; the file need not exist
 *                            yet (no users until it does)
 * @param jwt                 JWT-as-password settings, or {@code null} for none
 * @param certificateLogin    whether a verified client certificate logs the client in (default
 *                            {@link CertificateLogin#OFF})
 * @param certificateIdentity which part of the certificate names the user (default {@link CertificateIdentity#CN})
 * @param revokedCertificates certificates refused whatever else they carry: SHA-256 fingerprints (64 hex
 *                            digits) or serial numbers (hex); colons and case do not matter
 * @param reloadInterval      how often the users and JWKS files are checked for changes (zero = never)
 * @param cacheTtl            how long a verified user + password pair is remembered (zero = never)
 * @param hashQueueCapacity   password checks that may wait for the two hashing threads; beyond that a CONNECT
 *                            is refused with 0x89 server busy
 */
public record AuthSettings(Anonymous anonymous, Path usersFile, JwtSettings jwt, CertificateLogin certificateLogin,
                           CertificateIdentity certificateIdentity, Set<String> revokedCertificates,
                           Duration reloadInterval, Duration cacheTtl, int hashQueueCapacity) {

    /** Who may connect without credentials. */
    public enum Anonymous {
        /** Only clients on this machine (loopback), like Mosquitto 2's default without a listener config. */
        LOCAL,
        /** Everyone. */
        ALL,
        /** Nobody. */
        NONE
    }

    /**
     * Whether a verified client certificate logs the client in (mutual-TLS listeners only).
     */
    public enum CertificateLogin {
        /** Certificates are only checked against the revocation list; clients log in otherwise. */
        OFF,
        /** Any verified certificate with an identity logs in; roles from a {@code certificate: true} user entry. */
        ANY,
        /** Only identities listed in the users file with {@code certificate: true} log in. */
        LISTED
    }

    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    public static final int DEFAULT_HASH_QUEUE = 64;

    /** Anonymous from loopback only; no users, tokens or certificate login. */
    public static final AuthSettings DEFAULT = new AuthSettings(Anonymous.LOCAL, null, null, CertificateLogin.OFF,
            CertificateIdentity.CN, Set.of(), DEFAULT_RELOAD_INTERVAL, DEFAULT_CACHE_TTL, DEFAULT_HASH_QUEUE);

    public AuthSettings {
        Objects.requireNonNull(anonymous, "anonymous");
        Objects.requireNonNull(certificateLogin, "certificateLogin");
        Objects.requireNonNull(certificateIdentity, "certificateIdentity");
        Set<String> normalized = new LinkedHashSet<>();
        for (String entry : revokedCertificates == null ? Set.<String>of() : revokedCertificates) {
            try {
                normalized.add(CertificateIdentities.normalize(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("revokedCertificates: " + e.getMessage(), e);
            }
        }
        revokedCertificates = Set.copyOf(normalized);
        if (reloadInterval == null || reloadInterval.isNegative()) {
            throw new IllegalArgumentException("reloadInterval must be zero or positive");
        }
        if (cacheTtl == null || cacheTtl.isNegative()) {
            throw new IllegalArgumentException("cacheTtl must be zero or positive");
        }
        if (hashQueueCapacity < 1) {
            throw new IllegalArgumentException("hashQueueCapacity must be at least 1, was " + hashQueueCapacity);
        }
    }

    public AuthSettings withAnonymous(Anonymous anonymous) {
        return new AuthSettings(anonymous, usersFile, jwt, certificateLogin, certificateIdentity, revokedCertificates,
                reloadInterval, cacheTtl, hashQueueCapacity);
    }

    public AuthSettings withUsersFile(Path usersFile) {
        return new AuthSettings(anonymous, usersFile, jwt, certificateLogin, certificateIdentity, revokedCertificates,
                reloadInterval, cacheTtl, hashQueueCapacity);
    }

    public AuthSettings withJwt(JwtSettings jwt) {
        return new AuthSettings(anonymous, usersFile, jwt, certificateLogin, certificateIdentity, revokedCertificates,
                reloadInterval, cacheTtl, hashQueueCapacity);
    }

    public AuthSettings withCertificateLogin(CertificateLogin certificateLogin, CertificateIdentity identity) {
        return new AuthSettings(anonymous, usersFile, jwt, certificateLogin, identity, revokedCertificates,
                reloadInterval, cacheTtl, hashQueueCapacity);
    }

    public AuthSettings withRevokedCertificates(Set<String> revokedCertificates) {
        return new AuthSettings(anonymous, usersFile, jwt, certificateLogin, certificateIdentity, revokedCertificates,
                reloadInterval, cacheTtl, hashQueueCapacity);
    }

    public AuthSettings withReloadInterval(Duration reloadInterval) {
        return new AuthSettings(anonymous, usersFile, jwt, certificateLogin, certificateIdentity, revokedCertificates,
                reloadInterval, cacheTtl, hashQueueCapacity);
    }

    public AuthSettings withCacheTtl(Duration cacheTtl) {
        return new AuthSettings(anonymous, usersFile, jwt, certificateLogin, certificateIdentity, revokedCertificates,
                reloadInterval, cacheTtl, hashQueueCapacity);
    }

    public AuthSettings withHashQueueCapacity(int hashQueueCapacity) {
        return new AuthSettings(anonymous, usersFile, jwt, certificateLogin, certificateIdentity, revokedCertificates,
                reloadInterval, cacheTtl, hashQueueCapacity);
    }
}
