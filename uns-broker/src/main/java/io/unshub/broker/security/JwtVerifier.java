package io.unshub.broker.security;

import io.unshub.core.config.ConfigFileReloader;
import io.unshub.core.config.FileStamp;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.HmacKey;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a JSON Web Token sent as the MQTT password: HS256 with a shared secret and/or RS256 with the keys
 * of a JWKS file; {@code exp} is required, {@code nbf} is checked when present, {@code iss} and {@code aud}
 * when configured (all within the configured clock skew). The user comes from one claim and the roles from
 * another ({@link JwtSettings}). A CONNECT user name, when given (and not empty), must equal the token's user.
 *
 * <p>Reasons are fixed texts ({@link Problem}): no token, claim value or key ever appears in them or in a
 * log line. A check is CPU-cheap (a MAC or one RSA public-key operation), so it may run on any thread.
 *
 * <p>The JWKS file is reloaded when it changes by a {@link ConfigFileReloader}, as the other config files are:
 * a broken or removed file keeps the keys in force and is reported in {@link #jwksStatus()}.
 *
 * <p>Threads: {@link #verify} from any thread; the keys are swapped whole (a volatile reference) by the
 * reloader's own polling thread, or by whoever calls {@link #reloadKeysIfChanged}.
 */
public final class JwtVerifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);

    /** Why a token was not accepted; {@link #reason()} is safe to log and to send to the client. */
    public enum Problem {
        MALFORMED("token is not a well-formed signed JWT"),
        ALGORITHM("token algorithm not accepted"),
        UNKNOWN_KEY("token signed with an unknown key"),
        BAD_SIGNATURE("token signature invalid"),
        NO_EXPIRY("token has no expiry (exp)"),
        EXPIRED("token expired"),
        NOT_YET_VALID("token not yet valid (nbf)"),
        WRONG_AUDIENCE("token audience not accepted"),
        WRONG_ISSUER("token issuer not accepted"),
        NO_USER("token names no user"),
        BAD_ROLES("token roles claim is not a list of strings"),
        USER_MISMATCH("user name does not match the token"),
        OTHER("token not accepted");

        private final String reason;

        Problem(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** The outcome of a check. */
    public sealed interface Result {
        /** A good token for {@code username} with {@code roles}. */
        record Valid(String username, Set<String> roles) implements Result {
            public Valid {
                roles = Set.copyOf(roles);
            }
        }

        /** A token that is not accepted, and why. */
        record Invalid(Problem problem) implements Result {
            public String reason() {
                return problem.reason();
            }
        }
    }

    private final JwtSettings settings;
    private final HmacKey hmacKey;
    /** Polls the JWKS file; {@code null} without one. */
    private final JwksReloader jwks;
    private volatile Keys keys;

    /** The keys in force. */
    private record Keys(JwtConsumer consumer, int rsaKeys) {
    }

    /** The JWKS file's RSA signature keys, loaded and reloaded like every other config file. */
    private static final class JwksReloader extends ConfigFileReloader<List<JsonWebKey>, AuthConfigException> {
        JwksReloader(Path file, java.util.function.Consumer<List<JsonWebKey>> install) {
            super("JWKS", file, JwtVerifier::readJwks, List::of, install, keys -> keys.size() + " RSA keys");
        }
    }

    /**
     * @throws AuthConfigException when the JWKS file is configured but missing or unusable
     */
    public JwtVerifier(JwtSettings settings) throws AuthConfigException {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hmacKey = settings.hmacSecret() == null ? null
                : new HmacKey(settings.hmacSecret().getBytes(StandardCharsets.UTF_8));
        Path file = settings.jwksFile();
        if (file == null) {
            this.jwks = null;
            this.keys = buildKeys(null);
        } else {
            if (FileStamp.of(file) == null) {
                throw new AuthConfigException(file.toString(), 0, "", "the JWKS file does not exist");
            }
            this.jwks = new JwksReloader(file, rsa -> keys = buildKeys(rsa));
            jwks.loadInitial();
        }
    }

    public JwtSettings settings() {
        return settings;
    }

    /** How many RSA keys the JWKS file gave (0 without one). */
    public int rsaKeyCount() {
        return keys.rsaKeys();
    }

    /**
     * Whether a CONNECT password has the shape of a compact JWS: three base64url parts separated by dots, the
     * first a JSON object ({@code eyJ...}). Passwords of this shape are checked as tokens only.
     */
    public static boolean looksLikeJwt(byte[] password) {
        if (password == null || password.length < 8 || password[0] != 'e' || password[1] != 'y'
                || password[2] != 'J') {
            return false;
        }
        int dots = 0;
        for (byte b : password) {
            if (b == '.') {
                dots++;
            } else if (!(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-'
                    || b == '_')) {
                return false;
            }
        }
        return dots == 2;
    }

    /**
     * Checks {@code token}.
     *
     * @param connectUsername the CONNECT user name, or {@code null}; when given it must name the token's user
     */
    public Result verify(String token, String connectUsername) {
        JwtClaims claims;
        try {
            claims = keys.consumer().processToClaims(token);
        } catch (InvalidJwtException e) {
            return new Result.Invalid(classify(e));
        } catch (RuntimeException e) {
            // a parser corner case; keep the token out of the log, the exception class is enough
            LOG.debug("token check failed with {}", e.getClass().getName());
            return new Result.Invalid(Problem.MALFORMED);
        }
        Object user = claim(claims, settings.usernameClaim());
        if (!(user instanceof String username) || username.isEmpty()) {
            return new Result.Invalid(Problem.NO_USER);
        }
        if (connectUsername != null && !connectUsername.isEmpty() && !connectUsername.equals(username)) {
            return new Result.Invalid(Problem.USER_MISMATCH);
        }
        Object rolesValue = claim(claims, settings.rolesClaim());
        Set<String> roles = new LinkedHashSet<>();
        if (rolesValue instanceof String single) {
            roles.add(single);
        } else if (rolesValue instanceof Collection<?> list) {
            for (Object role : list) {
                if (!(role instanceof String text) || text.isEmpty()) {
                    return new Result.Invalid(Problem.BAD_ROLES);
                }
                roles.add(text);
            }
        } else if (rolesValue != null) {
            return new Result.Invalid(Problem.BAD_ROLES);
        }
        return new Result.Valid(username, roles);
    }

    /**
     * Re-reads the JWKS file if it changed since it was last read; a broken or removed file keeps the keys in
     * force and is reported in {@link #jwksStatus()}.
     *
     * @return whether new keys are in force
     */
    public boolean reloadKeysIfChanged() {
        return jwks != null && jwks.reloadIfChanged();
    }

    /** Polls the JWKS file every {@code interval} (zero: never) on the reloader's own thread. */
    public void startReloading(java.time.Duration interval) {
        if (jwks != null) {
            jwks.start(interval);
        }
    }

    /** What the JWKS reloader knows, or {@code null} without a JWKS file. */
    public ConfigFileReloader.Status<List<JsonWebKey>> jwksStatus() {
        return jwks == null ? null : jwks.status();
    }

    /** Stops polling the JWKS file. */
    @Override
    public void close() {
        if (jwks != null) {
            jwks.close();
        }
    }

    /** A consumer for the HS256 secret, if any, and {@code rsa} keys (null or empty: no RS256). */
    private Keys buildKeys(List<JsonWebKey> rsa) {
        List<String> algorithms = new ArrayList<>();
        VerificationKeyResolver rsaResolver = null;
        int rsaKeys = 0;
        if (hmacKey != null) {
            algorithms.add(AlgorithmIdentifiers.HMAC_SHA256);
        }
        if (rsa != null && !rsa.isEmpty()) {
            rsaKeys = rsa.size();
            JwksVerificationKeyResolver resolver = new JwksVerificationKeyResolver(rsa);
            resolver.setDisambiguateWithVerifySignature(true);
            rsaResolver = resolver;
            algorithms.add(AlgorithmIdentifiers.RSA_USING_SHA256);
        }
        HmacKey hmac = hmacKey;
        VerificationKeyResolver rsaKeysResolver = rsaResolver;
        VerificationKeyResolver byAlgorithm = (JsonWebSignature jws, List<JsonWebStructure> nesting) -> {
            String alg = jws.getAlgorithmHeaderValue();
            if (AlgorithmIdentifiers.HMAC_SHA256.equals(alg) && hmac != null) {
                return hmac;
            }
            if (AlgorithmIdentifiers.RSA_USING_SHA256.equals(alg) && rsaKeysResolver != null) {
                Key key = rsaKeysResolver.resolveKey(jws, nesting);
                return key;
            }
            throw new AlgorithmNotAccepted();
        };
        JwtConsumerBuilder builder = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds((int) settings.clockSkew().toSeconds())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        algorithms.toArray(String[]::new))
                .setJweAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT)
                .setVerificationKeyResolver(byAlgorithm);
        if (settings.audience() != null) {
            builder.setExpectedAudience(true, settings.audience());
        } else {
            builder.setSkipDefaultAudienceValidation();
        }
        if (settings.issuer() != null) {
            builder.setExpectedIssuer(true, settings.issuer());
        }
        return new Keys(builder.build(), rsaKeys);
    }

    private static List<JsonWebKey> readJwks(Path file) throws AuthConfigException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AuthConfigException(file.toString(), 0, "", "cannot read the JWKS file: " + e);
        }
        JsonWebKeySet set;
        try {
            set = new JsonWebKeySet(json);
        } catch (JoseException | RuntimeException e) {
            throw new AuthConfigException(file.toString(), 0, "keys", "not a JSON Web Key Set: " + e.getMessage());
        }
        List<JsonWebKey> rsa = new ArrayList<>();
        boolean privateParts = false;
        for (JsonWebKey key : set.getJsonWebKeys()) {
            if (key instanceof RsaJsonWebKey rsaKey && !"enc".equals(key.getUse())) {
                rsa.add(key);
                privateParts |= rsaKey.getPrivateKey() != null;
            }
        }
        if (rsa.isEmpty()) {
            throw new AuthConfigException(file.toString(), 0, "keys", "holds no RSA signature keys (kty RSA) for RS256");
        }
        if (privateParts) {
            LOG.warn("JWKS file {} holds RSA private keys; the hub needs only the public keys", file);
        }
        return rsa;
    }

    /** A top-level claim, or else a dotted path into nested objects ({@code realm_access.roles}). */
    private static Object claim(JwtClaims claims, String name) {
        Object value = claims.getClaimValue(name);
        if (value != null || name.indexOf('.') < 0) {
            return value;
        }
        Object node = claims.getClaimsMap();
        for (String part : name.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return node;
    }

    private static Problem classify(InvalidJwtException e) {
        if (e.hasErrorCode(ErrorCodes.EXPIRED)) {
            return Problem.EXPIRED;
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return Problem.NO_EXPIRY;
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return Problem.NOT_YET_VALID;
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return Problem.WRONG_AUDIENCE;
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return Problem.WRONG_ISSUER;
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return Problem.BAD_SIGNATURE;
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return Problem.ALGORITHM;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof AlgorithmNotAccepted || t instanceof InvalidAlgorithmException) {
                return Problem.ALGORITHM;
            }
            if (t instanceof UnresolvableKeyException) {
                return Problem.UNKNOWN_KEY;
            }
        }
        if (e.hasErrorCode(ErrorCodes.JSON_INVALID) || e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            return Problem.MALFORMED;
        }
        return Problem.OTHER;
    }

    /** The token's algorithm has no configured key: none, HS256 without a secret, RS256 without JWKS, others. */
    private static final class AlgorithmNotAccepted extends UnresolvableKeyException {
        AlgorithmNotAccepted() {
            super("algorithm not accepted");
        }
    }
}
