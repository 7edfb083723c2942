package io.unshub.broker.security;

import io.unshub.broker.config.TlsSettings.CertificateIdentity;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What names a client certificate: its subject CN or a subject alternative name of one kind, and the
 * fingerprint and serial number used to refuse ("revoke by config") a single certificate.
 */
public final class CertificateIdentities {

    /** X.509 GeneralName tags (RFC 5280 section 4.2.1.6). */
    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;

    private CertificateIdentities() {
    }

    /**
     * The identity {@code kind} names in {@code certificate}: the (most specific, i.e. last) CN of the
     * subject, or the first subject alternative name of that type. Empty when the certificate has none.
     */
    public static Optional<String> identity(X509Certificate certificate, CertificateIdentity kind) {
        return switch (kind) {
            case CN -> commonName(certificate.getSubjectX500Principal());
            case SAN_DNS -> alternativeName(certificate, SAN_DNS);
            case SAN_EMAIL -> alternativeName(certificate, SAN_EMAIL);
            case SAN_URI -> alternativeName(certificate, SAN_URI);
        };
    }

    /** The SHA-256 fingerprint of the DER encoding, as 64 lower-case hex digits. */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** The serial number as lower-case hex without leading zeros (as {@code openssl x509 -serial}, lowered). */
    public static String serialHex(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }

    /**
     * A configured fingerprint or serial in the form {@link #sha256Fingerprint} and {@link #serialHex} produce:
     * lower case, colons and spaces removed, and (for serials) leading zeros dropped.
     *
     * @throws IllegalArgumentException when it is not hex
     */
    public static String normalize(String hex) {
        String cleaned = hex.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (cleaned.startsWith("0x")) {
            cleaned = cleaned.substring(2);
        }
        if (cleaned.isEmpty() || !cleaned.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("'" + hex + "' is not a hex SHA-256 fingerprint or serial number");
        }
        if (isFingerprint(cleaned)) {
            return cleaned;
        }
        String serial = cleaned.replaceFirst("^0+", "");
        return serial.isEmpty() ? "0" : serial;
    }

    /**
     * Whether a normalized entry is a SHA-256 fingerprint (64 hex digits) rather than a serial number; RFC 5280
     * caps serials at 20 octets (40 digits), so the two cannot be confused.
     */
    static boolean isFingerprint(String normalized) {
        return normalized.length() == 64;
    }

    private static Optional<String> commonName(X500Principal subject) {
        try {
            List<Rdn> rdns = new LdapName(subject.getName(X500Principal.RFC2253)).getRdns();
            // LdapName lists RDNs from the least significant (right-most in the string) up; take the last CN.
            String cn = null;
            for (Rdn rdn : rdns) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
            return Optional.ofNullable(cn).filter(s -> !s.isEmpty());
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> alternativeName(X509Certificate certificate, int type) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return Optional.empty();
            }
            for (List<?> name : names) {
                if (name.size() >= 2 && name.get(0) instanceof Integer t && t == type
                        && name.get(1) instanceof String value && !value.isEmpty()) {
                    return Optional.of(value);
                }
            }
            return Optional.empty();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
    }
}
