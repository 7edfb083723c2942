package io.unshub.broker.security;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Key;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtVerifierTest {

    static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    static final String OTHER_SECRET = "another-shared-secret-of-32-bytes-or-more";
    static RsaJsonWebKey rsa;
    static RsaJsonWebKey otherRsa;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        rsa = RsaJwkGenerator.generateJwk(2048);
        rsa.setKeyId("k1");
        otherRsa = RsaJwkGenerator.generateJwk(2048);
        otherRsa.setKeyId("k2");
    }

    // ------------------------------------------------------------------ token making, shared with other tests

    static JwtClaims claims(String subject, Duration expiresIn) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(subject);
        claims.setExpirationTime(NumericDate.fromMilliseconds(System.currentTimeMillis() + expiresIn.toMillis()));
        claims.setStringListClaim("roles", "plc", "line1");
        return claims;
    }

    static String hs256(JwtClaims claims, String secret) throws Exception {
        return sign(claims, AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(secret.getBytes(StandardCharsets.UTF_8)), null);
    }

    static String rs256(JwtClaims claims, RsaJsonWebKey key) throws Exception {
        return sign(claims, AlgorithmIdentifiers.RSA_USING_SHA256, key.getPrivateKey(), key.getKeyId());
    }

    static String sign(JwtClaims claims, String alg, Key key, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg);
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        if (key != null) {
            jws.setKey(key);
        }
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        return jws.getCompactSerialization();
    }

    static Path writeJwks(Path file, RsaJsonWebKey... keys) throws Exception {
        Files.writeString(file, new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        return file;
    }

    private static JwtVerifier.Result verify(JwtVerifier verifier, String token) {
        return verifier.verify(token, null);
    }

    private static Consumer<JwtVerifier.Result> invalid(JwtVerifier.Problem problem, String token) {
        return result -> {
            assertThat(result).isInstanceOf(JwtVerifier.Result.Invalid.class);
            JwtVerifier.Result.Invalid invalid = (JwtVerifier.Result.Invalid) result;
            assertThat(invalid.problem()).isEqualTo(problem);
            assertThat(invalid.reason()).doesNotContain(token).doesNotContain(token.split("\\.")[0]);
        };
    }

    // ------------------------------------------------------------------ HS256

    @Test
    void aGoodHs256TokenGivesItsUserAndRoles() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));

        JwtVerifier.Result result = verify(verifier, hs256(claims("plc-line1", Duration.ofMinutes(5)), SECRET));

        assertThat(result).isEqualTo(new JwtVerifier.Result.Valid("plc-line1", java.util.Set.of("plc", "line1")));
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        String token = hs256(claims("a", Duration.ofMinutes(-5)), SECRET);

        assertThat(verify(verifier, token)).satisfies(invalid(JwtVerifier.Problem.EXPIRED, token));
    }

    @Test
    void expiryWithinTheClockSkewIsAccepted() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET).withClockSkew(Duration.ofSeconds(60)));
        JwtVerifier strict = new JwtVerifier(JwtSettings.hs256(SECRET).withClockSkew(Duration.ZERO));
        String token = hs256(claims("a", Duration.ofSeconds(-20)), SECRET);

        assertThat(verify(verifier, token)).isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(verify(strict, token)).satisfies(invalid(JwtVerifier.Problem.EXPIRED, token));
    }

    @Test
    void aTokenWithoutExpiryIsRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        JwtClaims claims = new JwtClaims();
        claims.setSubject("a");
        String token = hs256(claims, SECRET);

        assertThat(verify(verifier, token)).satisfies(invalid(JwtVerifier.Problem.NO_EXPIRY, token));
    }

    @Test
    void aTokenNotYetValidIsRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        JwtClaims claims = claims("a", Duration.ofMinutes(10));
        claims.setNotBefore(NumericDate.fromMilliseconds(System.currentTimeMillis() + 300_000));
        String token = hs256(claims, SECRET);

        assertThat(verify(verifier, token)).satisfies(invalid(JwtVerifier.Problem.NOT_YET_VALID, token));
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        String token = hs256(claims("a", Duration.ofMinutes(5)), OTHER_SECRET);

        assertThat(verify(verifier, token)).satisfies(invalid(JwtVerifier.Problem.BAD_SIGNATURE, token));
    }

    @Test
    void aTamperedPayloadIsRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        String token = hs256(claims("a", Duration.ofMinutes(5)), SECRET);
        String[] parts = token.split("\\.");
        String forged = hs256(claims("admin", Duration.ofMinutes(5)), OTHER_SECRET).split("\\.")[1];
        String tampered = parts[0] + "." + forged + "." + parts[2];

        assertThat(verify(verifier, tampered)).satisfies(invalid(JwtVerifier.Problem.BAD_SIGNATURE, tampered));
    }

    @Test
    void theAudienceIsCheckedWhenConfigured() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET).withAudience("uns-hub"));
        JwtClaims right = claims("a", Duration.ofMinutes(5));
        right.setAudience("other", "uns-hub");
        JwtClaims wrong = claims("a", Duration.ofMinutes(5));
        wrong.setAudience("other");
        String wrongToken = hs256(wrong, SECRET);
        String missingToken = hs256(claims("a", Duration.ofMinutes(5)), SECRET);

        assertThat(verify(verifier, hs256(right, SECRET))).isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(verify(verifier, wrongToken)).satisfies(invalid(JwtVerifier.Problem.WRONG_AUDIENCE, wrongToken));
        assertThat(verify(verifier, missingToken)).satisfies(invalid(JwtVerifier.Problem.WRONG_AUDIENCE, missingToken));
    }

    @Test
    void anAudienceIsNotRequiredWhenNoneIsConfigured() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        JwtClaims claims = claims("a", Duration.ofMinutes(5));
        claims.setAudience("whatever");

        assertThat(verify(verifier, hs256(claims, SECRET))).isInstanceOf(JwtVerifier.Result.Valid.class);
    }

    @Test
    void theIssuerIsCheckedWhenConfigured() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET).withIssuer("https://idp.plant"));
        JwtClaims right = claims("a", Duration.ofMinutes(5));
        right.setIssuer("https://idp.plant");
        JwtClaims wrong = claims("a", Duration.ofMinutes(5));
        wrong.setIssuer("https://evil.example");
        String wrongToken = hs256(wrong, SECRET);
        String missingToken = hs256(claims("a", Duration.ofMinutes(5)), SECRET);

        assertThat(verify(verifier, hs256(right, SECRET))).isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(verify(verifier, wrongToken)).satisfies(invalid(JwtVerifier.Problem.WRONG_ISSUER, wrongToken));
        assertThat(verify(verifier, missingToken)).satisfies(invalid(JwtVerifier.Problem.WRONG_ISSUER, missingToken));
    }

    @Test
    void theNoneAlgorithmIsRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        String token = sign(claims("admin", Duration.ofMinutes(5)), AlgorithmIdentifiers.NONE, null, null);

        assertThat(JwtVerifier.looksLikeJwt(token.getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(verify(verifier, token)).satisfies(invalid(JwtVerifier.Problem.ALGORITHM, token));
    }

    @Test
    void otherHmacAlgorithmsAreRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        String token = sign(claims("a", Duration.ofMinutes(5)), AlgorithmIdentifiers.HMAC_SHA512,
                new HmacKey((SECRET + SECRET).getBytes(StandardCharsets.UTF_8)), null);

        assertThat(verify(verifier, token)).satisfies(invalid(JwtVerifier.Problem.ALGORITHM, token));
    }

    @Test
    void anRs256TokenIsRefusedWithoutAJwksFile() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        String token = rs256(claims("a", Duration.ofMinutes(5)), rsa);

        assertThat(verify(verifier, token)).satisfies(invalid(JwtVerifier.Problem.ALGORITHM, token));
    }

    @Test
    void theUserAndRolesComeFromTheConfiguredClaims() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET)
                .withClaims("preferred_username", "realm_access.roles"));
        JwtClaims claims = claims("0b7a-uuid", Duration.ofMinutes(5));
        claims.setStringClaim("preferred_username", "operator7");
        claims.setClaim("realm_access", Map.of("roles", List.of("ops", "viewer")));

        assertThat(verify(verifier, hs256(claims, SECRET)))
                .isEqualTo(new JwtVerifier.Result.Valid("operator7", java.util.Set.of("ops", "viewer")));
    }

    @Test
    void aSingleStringRoleAndNoRolesAreAccepted() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        JwtClaims single = claims("a", Duration.ofMinutes(5));
        single.setStringClaim("roles", "plc");
        JwtClaims none = claims("a", Duration.ofMinutes(5));
        none.unsetClaim("roles");

        assertThat(verify(verifier, hs256(single, SECRET))).isEqualTo(new JwtVerifier.Result.Valid("a", java.util.Set.of("plc")));
        assertThat(verify(verifier, hs256(none, SECRET))).isEqualTo(new JwtVerifier.Result.Valid("a", java.util.Set.of()));
    }

    @Test
    void rolesOfTheWrongTypeAndAMissingUserAreRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        JwtClaims badRoles = claims("a", Duration.ofMinutes(5));
        badRoles.setClaim("roles", List.of("ok", 7));
        JwtClaims noUser = claims("a", Duration.ofMinutes(5));
        noUser.unsetClaim("sub");
        String badRolesToken = hs256(badRoles, SECRET);
        String noUserToken = hs256(noUser, SECRET);

        assertThat(verify(verifier, badRolesToken)).satisfies(invalid(JwtVerifier.Problem.BAD_ROLES, badRolesToken));
        assertThat(verify(verifier, noUserToken)).satisfies(invalid(JwtVerifier.Problem.NO_USER, noUserToken));
    }

    @Test
    void aConnectUserNameMustNameTheTokensUser() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        String token = hs256(claims("plc-line1", Duration.ofMinutes(5)), SECRET);

        assertThat(verifier.verify(token, "plc-line1")).isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(verifier.verify(token, "")).isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(verifier.verify(token, "admin")).satisfies(invalid(JwtVerifier.Problem.USER_MISMATCH, token));
    }

    @Test
    void garbageWithTheShapeOfATokenIsRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
        String token = "eyJub3QiOiJqc29u.eyJhIjoxfQ.c2ln";

        JwtVerifier.Result result = verify(verifier, token);

        assertThat(result).isInstanceOf(JwtVerifier.Result.Invalid.class);
        assertThat(((JwtVerifier.Result.Invalid) result).reason()).doesNotContain(token);
    }

    @Test
    void onlyPasswordsShapedLikeACompactJwsLookLikeTokens() throws Exception {
        String token = hs256(claims("a", Duration.ofMinutes(5)), SECRET);

        assertThat(JwtVerifier.looksLikeJwt(token.getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(JwtVerifier.looksLikeJwt("s3cret".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(JwtVerifier.looksLikeJwt("eyJhbGciOi.x".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(JwtVerifier.looksLikeJwt("eyJa b.c.d".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(JwtVerifier.looksLikeJwt(null)).isFalse();
    }

    @Test
    void settingsNeverShowTheSecretAndRefuseShortOnes() {
        assertThat(JwtSettings.hs256(SECRET).toString()).doesNotContain(SECRET).contains("****");
        assertThatThrownBy(() -> JwtSettings.hs256("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes").hasMessageNotContaining("short");
        assertThatThrownBy(() -> new JwtSettings(null, null, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ RS256 with a JWKS file

    @Test
    void aGoodRs256TokenIsAcceptedWithKeysFromTheJwksFile() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.rs256(writeJwks(dir.resolve("jwks.json"), rsa, otherRsa)));

        assertThat(verifier.rsaKeyCount()).isEqualTo(2);
        assertThat(verify(verifier, rs256(claims("a", Duration.ofMinutes(5)), rsa))).isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(verify(verifier, rs256(claims("b", Duration.ofMinutes(5)), otherRsa))).isInstanceOf(JwtVerifier.Result.Valid.class);
    }

    @Test
    void anRs256TokenFromAnUnknownKeyIsRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.rs256(writeJwks(dir.resolve("jwks.json"), rsa)));
        String foreign = rs256(claims("a", Duration.ofMinutes(5)), otherRsa);
        // claims to be k1 but is signed by the other key
        String forged = sign(claims("a", Duration.ofMinutes(5)), AlgorithmIdentifiers.RSA_USING_SHA256,
                otherRsa.getPrivateKey(), "k1");

        assertThat(verify(verifier, foreign)).satisfies(invalid(JwtVerifier.Problem.UNKNOWN_KEY, foreign));
        assertThat(verify(verifier, forged)).satisfies(invalid(JwtVerifier.Problem.BAD_SIGNATURE, forged));
    }

    @Test
    void anHs256TokenMadeWithThePublicRsaKeyIsRefused() throws Exception {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.rs256(writeJwks(dir.resolve("jwks.json"), rsa)));
        String confused = sign(claims("admin", Duration.ofMinutes(5)), AlgorithmIdentifiers.HMAC_SHA256,
                new HmacKey(rsa.getPublicKey().getEncoded()), null);

        assertThat(verify(verifier, confused)).satisfies(invalid(JwtVerifier.Problem.ALGORITHM, confused));
    }

    @Test
    void bothAlgorithmsWorkSideBySide() throws Exception {
        JwtVerifier verifier = new JwtVerifier(new JwtSettings(SECRET, writeJwks(dir.resolve("jwks.json"), rsa),
                null, null, null, null, null));

        assertThat(verify(verifier, rs256(claims("a", Duration.ofMinutes(5)), rsa))).isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(verify(verifier, hs256(claims("b", Duration.ofMinutes(5)), SECRET))).isInstanceOf(JwtVerifier.Result.Valid.class);
    }

    @Test
    void theJwksFileIsReloadedWhenItChangesAndABrokenOneKeepsTheOldKeys() throws Exception {
        Path jwks = writeJwks(dir.resolve("jwks.json"), rsa);
        JwtVerifier verifier = new JwtVerifier(JwtSettings.rs256(jwks));
        String fromOther = rs256(claims("b", Duration.ofMinutes(5)), otherRsa);
        assertThat(verifier.reloadKeysIfChanged()).isFalse();

        // replaced as a config map or an editor would: a new file moved over the old one
        writeJwks(dir.resolve("next.json"), otherRsa);
        Files.move(dir.resolve("next.json"), jwks, StandardCopyOption.REPLACE_EXISTING);

        assertThat(verifier.reloadKeysIfChanged()).isTrue();
        assertThat(verify(verifier, fromOther)).isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(verify(verifier, rs256(claims("a", Duration.ofMinutes(5)), rsa))).isInstanceOf(JwtVerifier.Result.Invalid.class);

        Files.writeString(dir.resolve("next.json"), "{\"keys\": [ oops");
        Files.move(dir.resolve("next.json"), jwks, StandardCopyOption.REPLACE_EXISTING);

        assertThat(verifier.reloadKeysIfChanged()).isFalse();
        assertThat(verifier.jwksStatus().lastError()).contains(jwks.toString());
        assertThat(verifier.jwksStatus().reloads()).isEqualTo(1);
        assertThat(verifier.reloadKeysIfChanged()).as("the broken version is tried once").isFalse();
        assertThat(verify(verifier, fromOther)).isInstanceOf(JwtVerifier.Result.Valid.class);

        writeJwks(dir.resolve("next.json"), rsa);
        Files.move(dir.resolve("next.json"), jwks, StandardCopyOption.REPLACE_EXISTING);
        assertThat(verifier.reloadKeysIfChanged()).as("a repaired file is taken").isTrue();
        assertThat(verifier.jwksStatus().lastError()).isNull();
    }

    @Test
    void aMissingOrKeylessJwksFileFailsStartUpNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> new JwtVerifier(JwtSettings.rs256(missing))).isInstanceOf(AuthConfigException.class)
                .hasMessageContaining(missing.toString());
        Path empty = Files.writeString(dir.resolve("empty.json"), "{\"keys\": []}");
        assertThatThrownBy(() -> new JwtVerifier(JwtSettings.rs256(empty))).isInstanceOf(AuthConfigException.class)
                .hasMessageContaining("no RSA");
    }
}
