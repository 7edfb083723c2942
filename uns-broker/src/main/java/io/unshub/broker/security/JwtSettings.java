package io.unshub.broker.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How JSON Web Tokens sent as the MQTT password are checked. At least one of {@code hmacSecret} (HS256) and
 * {@code jwksFile} (RS256) is needed; with both, a token's {@code alg} header picks the key, and no other
 * algorithm (none included) is accepted.
 *
 * @param hmacSecret    the HS256 shared secret (at least 32 bytes of UTF-8), or {@code null}
 * @param jwksFile      a JSON Web Key Set file with the RSA public keys for RS256, or {@code null}; re-read
 *                      when it changes
 * @param issuer        the required {@code iss}, or {@code null} not to check it
 * @param audience      a value {@code aud} must contain, or {@code null} not to check it
 * @param usernameClaim the claim that names the user (default {@code sub})
 * @param rolesClaim    the claim that lists the roles (default {@code roles}); a list of strings, or one
 *                      string. A name that is not a top-level claim is tried as a dotted path
 *                      ({@code realm_access.roles})
 * @param clockSkew     how far {@code exp} and {@code nbf} may be off (default 30 s)
 */
public record JwtSettings(String hmacSecret, Path jwksFile, String issuer, String audience, String usernameClaim,
                          String rolesClaim, Duration clockSkew) {

    public static final String DEFAULT_USERNAME_CLAIM = "sub";
    public static final String DEFAULT_ROLES_CLAIM = "roles";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** HS256 needs a key at least as long as its hash (RFC 7518 section 3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    public JwtSettings {
        if (hmacSecret != null && hmacSecret.isEmpty()) {
            hmacSecret = null;
        }
        if (hmacSecret == null && jwksFile == null) {
            throw new IllegalArgumentException("jwt needs a secret (HS256) or a JWKS file (RS256)");
        }
        if (hmacSecret != null && hmacSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("jwt secret must be at least " + MIN_SECRET_BYTES + " bytes for HS256");
        }
        issuer = blankToNull(issuer);
        audience = blankToNull(audience);
        usernameClaim = usernameClaim == null || usernameClaim.isBlank() ? DEFAULT_USERNAME_CLAIM : usernameClaim;
        rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? DEFAULT_ROLES_CLAIM : rolesClaim;
        clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
        if (clockSkew.isNegative() || clockSkew.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("jwt clockSkew must be zero or positive");
        }
    }

    /** HS256 with {@code secret}, default claims and skew. */
    public static JwtSettings hs256(String secret) {
        return new JwtSettings(secret, null, null, null, null, null, null);
    }

    /** RS256 with the keys in {@code jwksFile}, default claims and skew. */
    public static JwtSettings rs256(Path jwksFile) {
        return new JwtSettings(null, jwksFile, null, null, null, null, null);
    }

    public JwtSettings withIssuer(String issuer) {
        return new JwtSettings(hmacSecret, jwksFile, issuer, audience, usernameClaim, rolesClaim, clockSkew);
    }

    public JwtSettings withAudience(String audience) {
        return new JwtSettings(hmacSecret, jwksFile, issuer, audience, usernameClaim, rolesClaim, clockSkew);
    }

    public JwtSettings withClaims(String usernameClaim, String rolesClaim) {
        return new JwtSettings(hmacSecret, jwksFile, issuer, audience, usernameClaim, rolesClaim, clockSkew);
    }

    public JwtSettings withClockSkew(Duration clockSkew) {
        return new JwtSettings(hmacSecret, jwksFile, issuer, audience, usernameClaim, rolesClaim, clockSkew);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "JwtSettings[hmacSecret=" + (hmacSecret == null ? "none" : "****") + ", jwksFile=" + jwksFile
                + ", issuer=" + issuer + ", audience=" + audience + ", usernameClaim=" + usernameClaim
                + ", rolesClaim=" + rolesClaim + ", clockSkew=" + clockSkew + "]";
    }
}
