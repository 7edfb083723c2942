package io.unshub.broker.security;

import io.unshub.broker.config.TlsSettings.CertificateIdentity;
import io.unshub.broker.security.AuthCounters.Method;
import io.unshub.broker.security.AuthCounters.Refusal;
import io.unshub.broker.security.AuthSettings.Anonymous;
import io.unshub.broker.security.AuthSettings.CertificateLogin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HubAuthenticatorTest {

    private static final PasswordHasher FAST = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetAddress REMOTE = address("192.0.2.10");

    @TempDir
    Path dir;

    private final List<HubAuthenticator> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(HubAuthenticator::close);
    }

    private HubAuthenticator authenticator(AuthSettings settings) throws AuthConfigException {
        HubAuthenticator authenticator = new HubAuthenticator(settings.withReloadInterval(Duration.ZERO));
        opened.add(authenticator);
        return authenticator;
    }

    private HubAuthenticator polling(AuthSettings settings, Duration interval) throws AuthConfigException {
        HubAuthenticator authenticator = new HubAuthenticator(settings.withReloadInterval(interval));
        opened.add(authenticator);
        return authenticator;
    }

    private Path users(String... namePasswordRoles) throws Exception {
        Path file = dir.resolve("users.yaml");
        for (int i = 0; i < namePasswordRoles.length; i += 3) {
            UsersFile.addOrReplaceUser(file, namePasswordRoles[i], namePasswordRoles[i + 1].toCharArray(),
                    namePasswordRoles[i + 2].isEmpty() ? Set.of() : Set.of(namePasswordRoles[i + 2].split(",")), FAST);
        }
        return file;
    }

    static Credentials credentials(String user, String password, InetAddress from) {
        return credentials(user, password, from, List.of());
    }

    static Credentials credentials(String user, String password, InetAddress from, List<X509Certificate> chain) {
        return new Credentials("client-1", user, password == null ? null : password.getBytes(StandardCharsets.UTF_8),
                from, chain, 5);
    }

    static AuthResult result(CompletionStage<AuthResult> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static AuthResult.Refused refused(int code, String reason) {
        return new AuthResult.Refused(code, reason);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ anonymous policy

    @Nested
    class AnonymousPolicy {

        @Test
        void localAllowsLoopbackClientsOnly() throws Exception {
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT);

            assertThat(result(auth.authenticate(credentials(null, null, LOOPBACK))))
                    .isEqualTo(new AuthResult.Allowed(null, Set.of(), "anonymous"));
            assertThat(result(auth.authenticate(credentials(null, null, address("::1")))))
                    .isInstanceOf(AuthResult.Allowed.class);
            assertThat(result(auth.authenticate(credentials(null, null, REMOTE))))
                    .isEqualTo(refused(0x87, "anonymous access is only allowed from this machine"));
            assertThat(auth.counters().allowedCount(Method.ANONYMOUS)).isEqualTo(2);
            assertThat(auth.counters().refusedCount(Refusal.ANONYMOUS_NOT_ALLOWED)).isEqualTo(1);
        }

        @Test
        void allLetsEveryoneInAndNoneNobody() throws Exception {
            HubAuthenticator all = authenticator(AuthSettings.DEFAULT.withAnonymous(Anonymous.ALL));
            HubAuthenticator none = authenticator(AuthSettings.DEFAULT.withAnonymous(Anonymous.NONE));

            assertThat(result(all.authenticate(credentials(null, null, REMOTE)))).isInstanceOf(AuthResult.Allowed.class);
            assertThat(result(none.authenticate(credentials(null, null, LOOPBACK))))
                    .isEqualTo(refused(0x87, "anonymous access is not allowed"));
        }

        @Test
        void aUserNameWithoutPasswordIsAnonymous() throws Exception {
            Path file = users("plc", "pw", "plc");
            HubAuthenticator local = authenticator(AuthSettings.DEFAULT.withUsersFile(file));
            HubAuthenticator none = authenticator(AuthSettings.DEFAULT.withUsersFile(file).withAnonymous(Anonymous.NONE));

            assertThat(result(local.authenticate(credentials("plc", null, LOOPBACK))))
                    .as("no roles of 'plc' without its password")
                    .isEqualTo(new AuthResult.Allowed(null, Set.of(), "anonymous"));
            assertThat(result(none.authenticate(credentials("plc", null, LOOPBACK))))
                    .isEqualTo(refused(0x86, "a password is required"));
        }

        @Test
        void withoutAUsersFileAPasswordIsNotLookedAt() throws Exception {
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT);

            assertThat(result(auth.authenticate(credentials("someone", "pw", LOOPBACK))))
                    .isEqualTo(new AuthResult.Allowed(null, Set.of(), "anonymous"));
            assertThat(result(auth.authenticate(credentials("someone", "pw", REMOTE))))
                    .isInstanceOf(AuthResult.Refused.class);
        }
    }

    // ------------------------------------------------------------------ users file

    @Nested
    class UsersFileLogin {

        @Test
        void theRightPasswordLogsInWithTheUsersRoles() throws Exception {
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withAnonymous(Anonymous.NONE)
                    .withUsersFile(users("plc-line1", "s3cret", "plc,line1")));

            assertThat(result(auth.authenticate(credentials("plc-line1", "s3cret", REMOTE))))
                    .isEqualTo(new AuthResult.Allowed("plc-line1", Set.of("plc", "line1"), "password"));
            assertThat(auth.counters().allowedByMethod()).containsEntry("password", 1L).containsEntry("anonymous", 0L);
        }

        @Test
        void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() throws Exception {
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(users("plc", "s3cret", "")));

            AuthResult wrong = result(auth.authenticate(credentials("plc", "Hunter2", LOOPBACK)));
            AuthResult unknown = result(auth.authenticate(credentials("nobody", "Hunter2", LOOPBACK)));

            assertThat(wrong).isEqualTo(refused(0x86, "bad user name or password")).isEqualTo(unknown);
            assertThat(auth.counters().refusedByReason())
                    .containsEntry("bad_password", 1L).containsEntry("unknown_user", 1L);
        }

        @Test
        void aCertificateOnlyUserCannotLogInWithAPassword() throws Exception {
            Path file = dir.resolve("users.yaml");
            Files.writeString(file, "users:\n  - name: gw\n    certificate: true\n");
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(file));

            assertThat(result(auth.authenticate(credentials("gw", "anything", LOOPBACK))))
                    .isEqualTo(refused(0x86, "bad user name or password"));
        }

        @Test
        void aPasswordNeedsAUserName() throws Exception {
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(users("plc", "pw", "")));

            assertThat(result(auth.authenticate(credentials(null, "pw", LOOPBACK))))
                    .isEqualTo(refused(0x86, "a password needs a user name"));
        }

        @Test
        void hashingNeverRunsOnTheCallersThread() throws Exception {
            Path file = dir.resolve("users.yaml");
            UsersFile.addOrReplaceUser(file, "plc", "pw".toCharArray(), Set.of()); // 210,000 iterations
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(file));
            AtomicReference<String> completedOn = new AtomicReference<>();

            CompletableFuture<AuthResult> stage = auth.authenticate(credentials("plc", "pw", REMOTE)).toCompletableFuture();
            stage.whenComplete((r, e) -> completedOn.set(Thread.currentThread().getName()));
            boolean doneOnReturn = stage.isDone();

            assertThat(doneOnReturn).as("a 210,000-iteration check cannot finish before authenticate returns").isFalse();
            assertThat(result(stage)).isInstanceOf(AuthResult.Allowed.class);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(completedOn.get()).startsWith("uns-auth-hash-"));
        }

        @Test
        void aVerifiedPasswordIsRememberedAndAWrongOneIsNot() throws Exception {
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(users("plc", "pw", "plc")));
            assertThat(result(auth.authenticate(credentials("plc", "pw", REMOTE)))).isInstanceOf(AuthResult.Allowed.class);
            assertThat(result(auth.authenticate(credentials("plc", "nope", REMOTE)))).isInstanceOf(AuthResult.Refused.class);

            CompletionStage<AuthResult> again = auth.authenticate(credentials("plc", "pw", REMOTE));

            assertThat(again.toCompletableFuture().isDone()).as("answered from the cache, without hashing").isTrue();
            assertThat(result(again)).isEqualTo(new AuthResult.Allowed("plc", Set.of("plc"), "password"));
            assertThat(auth.cachedVerifications()).isEqualTo(1);
        }

        @Test
        void withoutACacheEveryLoginIsHashed() throws Exception {
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(users("plc", "pw", ""))
                    .withCacheTtl(Duration.ZERO));
            assertThat(result(auth.authenticate(credentials("plc", "pw", REMOTE)))).isInstanceOf(AuthResult.Allowed.class);

            assertThat(result(auth.authenticate(credentials("plc", "pw", REMOTE)))).isInstanceOf(AuthResult.Allowed.class);
            assertThat(auth.cachedVerifications()).isZero();
        }

        @Test
        void aFullHashingQueueAnswersServerBusyAtOnce() throws Exception {
            Path file = dir.resolve("users.yaml");
            UsersFile.addOrReplaceUser(file, "plc", "pw".toCharArray(), Set.of()); // 210,000 iterations
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(file).withHashQueueCapacity(1));

            List<CompletableFuture<AuthResult>> storm = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                storm.add(auth.authenticate(credentials("plc", "wrong-" + i, REMOTE)).toCompletableFuture());
            }

            // two threads and one queue slot: at most three are being checked, the rest are turned away now
            long busyOnReturn = storm.stream().filter(CompletableFuture::isDone).count();
            assertThat(busyOnReturn).isGreaterThanOrEqualTo(17);
            List<AuthResult> results = new ArrayList<>();
            for (CompletableFuture<AuthResult> f : storm) {
                results.add(result(f));
            }
            assertThat(results).filteredOn(r -> r.equals(refused(0x89, "server busy"))).hasSize((int) busyOnReturn);
            assertThat(results).filteredOn(r -> r.equals(refused(0x86, "bad user name or password")))
                    .hasSize(20 - (int) busyOnReturn);
            assertThat(auth.counters().refusedCount(Refusal.SERVER_BUSY)).isEqualTo(busyOnReturn);
        }

        @Test
        void identicalGuessesCostTheSameForKnownAndUnknownNames() throws Exception {
            Path file = dir.resolve("users.yaml");
            UsersFile.addOrReplaceUser(file, "plc", "pw".toCharArray(), Set.of());
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(file).withHashQueueCapacity(1));
            // 20 identical guesses at once share one computation whether the name exists or not: with one queue
            // slot neither answers "server busy", so a full queue does not tell which names exist.
            for (String name : List.of("plc", "nobody")) {
                List<CompletableFuture<AuthResult>> guesses = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    guesses.add(auth.authenticate(credentials(name, "same-guess", REMOTE)).toCompletableFuture());
                }
                for (CompletableFuture<AuthResult> guess : guesses) {
                    assertThat(result(guess)).as(name).isEqualTo(refused(0x86, "bad user name or password"));
                }
            }
            assertThat(auth.counters().refusedCount(Refusal.SERVER_BUSY)).isZero();
        }

        @Test
        void aReconnectStormOfOneGoodClientCostsOneHash() throws Exception {
            Path file = dir.resolve("users.yaml");
            UsersFile.addOrReplaceUser(file, "plc", "pw".toCharArray(), Set.of()); // 210,000 iterations
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(file).withHashQueueCapacity(1));

            List<CompletableFuture<AuthResult>> storm = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                storm.add(auth.authenticate(credentials("plc", "pw", REMOTE)).toCompletableFuture());
            }

            // one queue slot would turn 17 of 20 separate checks away as busy; shared, all twenty get in
            for (CompletableFuture<AuthResult> f : storm) {
                assertThat(result(f)).isEqualTo(new AuthResult.Allowed("plc", Set.of(), "password"));
            }
            assertThat(auth.counters().refusedCount(Refusal.SERVER_BUSY)).isZero();
        }

        @Test
        void closingAnswersEveryoneServerBusyAndStopsTheThreads() throws Exception {
            HubAuthenticator auth = polling(AuthSettings.DEFAULT.withUsersFile(users("plc", "pw", "")),
                    Duration.ofMillis(50));
            assertThat(result(auth.authenticate(credentials("plc", "pw", REMOTE)))).isInstanceOf(AuthResult.Allowed.class);
            assertThat(liveThreads()).isNotEmpty();

            auth.close();

            assertThat(result(auth.authenticate(credentials("plc", "pw", REMOTE))))
                    .isEqualTo(refused(0x89, "authentication is shutting down"));
            closeAll();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(liveThreads()).isEmpty());
        }

        private static List<String> liveThreads() {
            return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(name -> name.startsWith("uns-auth-")).toList();
        }
    }

    // ------------------------------------------------------------------ reload

    @Nested
    class Reload {

        @Test
        void aNewUserAndAChangedPasswordApplyAfterAReloadAndEmptyTheCache() throws Exception {
            Path file = users("a", "pw-a", "r");
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(file));
            assertThat(result(auth.authenticate(credentials("a", "pw-a", REMOTE)))).isInstanceOf(AuthResult.Allowed.class);
            assertThat(auth.cachedVerifications()).isEqualTo(1);

            UsersFile.addOrReplaceUser(file, "b", "pw-b".toCharArray(), Set.of(), FAST);
            UsersFile.addOrReplaceUser(file, "a", "pw-a2".toCharArray(), Set.of("r2"), FAST);
            assertThat(auth.reloadIfChanged()).isTrue();

            assertThat(auth.cachedVerifications()).isZero();
            assertThat(result(auth.authenticate(credentials("b", "pw-b", REMOTE)))).isInstanceOf(AuthResult.Allowed.class);
            assertThat(result(auth.authenticate(credentials("a", "pw-a", REMOTE)))).isInstanceOf(AuthResult.Refused.class);
            assertThat(result(auth.authenticate(credentials("a", "pw-a2", REMOTE))))
                    .isEqualTo(new AuthResult.Allowed("a", Set.of("r2"), "password"));
            assertThat(auth.status().reloads()).isEqualTo(1);
            assertThat(auth.status().users()).isEqualTo(2);
            assertThat(auth.reloadIfChanged()).as("nothing changed since").isFalse();
        }

        @Test
        void aBrokenEditKeepsThePreviousUsersAndReportsWhere() throws Exception {
            Path file = users("a", "pw-a", "");
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(file));
            String good = Files.readString(file);

            replace(file, good + "  - name: b\n    pasword: plain\n");

            assertThat(auth.reloadIfChanged()).isFalse();
            assertThat(auth.status().lastError()).startsWith(file + ":").contains("users[1].pasword")
                    .doesNotContain("plain");
            assertThat(auth.status().lastErrorAt()).isNotNull();
            assertThat(result(auth.authenticate(credentials("a", "pw-a", REMOTE)))).isInstanceOf(AuthResult.Allowed.class);

            UsersFile.addOrReplaceUser(dir.resolve("fixed.yaml"), "a", "pw-a".toCharArray(), Set.of(), FAST);
            replace(file, Files.readString(dir.resolve("fixed.yaml")));

            assertThat(auth.reloadIfChanged()).isTrue();
            assertThat(auth.status().lastError()).isNull();
        }

        @Test
        void aRemovedFileKeepsTheUsers() throws Exception {
            Path file = users("a", "pw-a", "");
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(file));

            Files.delete(file);

            assertThat(auth.reloadIfChanged()).isFalse();
            assertThat(auth.status().lastError()).contains("was removed");
            assertThat(result(auth.authenticate(credentials("a", "pw-a", REMOTE)))).isInstanceOf(AuthResult.Allowed.class);
        }

        @Test
        void aUsersFileCreatedAfterStartIsPickedUpByThePoller() throws Exception {
            Path file = dir.resolve("users.yaml");
            HubAuthenticator auth = polling(AuthSettings.DEFAULT.withUsersFile(file), Duration.ofMillis(20));
            assertThat(auth.users().size()).isZero();
            assertThat(auth.status().usersLoadedAt()).isNull();

            UsersFile.addOrReplaceUser(file, "late", "pw".toCharArray(), Set.of(), FAST);

            await().atMost(Duration.ofSeconds(10)).until(() -> auth.users().size() == 1);
            assertThat(result(auth.authenticate(credentials("late", "pw", REMOTE)))).isInstanceOf(AuthResult.Allowed.class);
        }

        @Test
        void aBrokenFileAtStartFailsStartUp() throws Exception {
            Path file = dir.resolve("users.yaml");
            Files.writeString(file, "users:\n  - name: a\n    password: plain\n");

            assertThatThrownBy(() -> authenticator(AuthSettings.DEFAULT.withUsersFile(file)))
                    .isInstanceOf(AuthConfigException.class)
                    .hasMessageStartingWith(file + ":3: users[0].password");
        }

        private void replace(Path file, String text) throws Exception {
            Path next = dir.resolve("next.yaml");
            Files.writeString(next, text);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ------------------------------------------------------------------ JWT

    @Nested
    class Tokens {

        private final String secret = JwtVerifierTest.SECRET;

        @Test
        void aGoodTokenLogsInWithItsRolesAndABadOneIsRefusedWithoutItsText() throws Exception {
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withAnonymous(Anonymous.NONE)
                    .withUsersFile(users("plc", "pw", "")).withJwt(JwtSettings.hs256(secret)));
            String good = JwtVerifierTest.hs256(JwtVerifierTest.claims("plc-line1", Duration.ofMinutes(5)), secret);
            String expired = JwtVerifierTest.hs256(JwtVerifierTest.claims("plc-line1", Duration.ofMinutes(-5)), secret);
            String forged = JwtVerifierTest.hs256(JwtVerifierTest.claims("plc-line1", Duration.ofMinutes(5)),
                    JwtVerifierTest.OTHER_SECRET);

            assertThat(result(auth.authenticate(credentials("plc-line1", good, REMOTE))))
                    .isEqualTo(new AuthResult.Allowed("plc-line1", Set.of("plc", "line1"), "jwt"));
            assertThat(result(auth.authenticate(credentials(null, good, REMOTE))))
                    .isInstanceOf(AuthResult.Allowed.class);
            assertThat(result(auth.authenticate(credentials("plc-line1", expired, REMOTE))))
                    .isEqualTo(refused(0x86, "token expired"));
            assertThat(result(auth.authenticate(credentials("plc-line1", forged, REMOTE))))
                    .isEqualTo(refused(0x86, "token signature invalid"));
            assertThat(result(auth.authenticate(credentials("admin", good, REMOTE))))
                    .isEqualTo(refused(0x86, "user name does not match the token"));
            assertThat(auth.counters().refusedByReason()).containsEntry("jwt_expired", 1L).containsEntry("jwt_invalid", 2L);
            assertThat(auth.counters().allowedCount(Method.JWT)).isEqualTo(2);
        }

        @Test
        void withoutJwtATokenShapedPasswordIsJustAPassword() throws Exception {
            String token = JwtVerifierTest.hs256(JwtVerifierTest.claims("plc", Duration.ofMinutes(5)), secret);
            HubAuthenticator auth = authenticator(AuthSettings.DEFAULT.withUsersFile(users("plc", token, "")));

            assertThat(result(auth.authenticate(credentials("plc", token, REMOTE))))
                    .isEqualTo(new AuthResult.Allowed("plc", Set.of(), "password"));
        }
    }

    // ------------------------------------------------------------------ certificates

    @Nested
    class Certificates {

        private final CertificateMaker pki = new CertificateMaker();

        private Path certificateUsers() throws Exception {
            Path file = dir.resolve("users.yaml");
            Files.writeString(file, """
                    users:
                      - name: line2-gateway
                        certificate: true
                        roles: [gateway]
                      - name: plc-line1
                        password: "%s"
                        roles: [plc]
                    """.formatted(FAST.hash("pw".toCharArray())));
            return file;
        }

        private AuthSettings certificateLogin(CertificateLogin mode, CertificateIdentity identity) throws Exception {
            return AuthSettings.DEFAULT.withAnonymous(Anonymous.NONE).withUsersFile(certificateUsers())
                    .withCertificateLogin(mode, identity);
        }

        @Test
        void theCommonNameIsTheUserWithTheRolesOfItsCertificateEntry() throws Exception {
            HubAuthenticator auth = authenticator(certificateLogin(CertificateLogin.ANY, CertificateIdentity.CN));
            X509Certificate cert = pki.client("CN=line2-gateway,OU=Line 2,O=Plant");

            assertThat(result(auth.authenticate(credentials("ignored", "ignored", REMOTE, List.of(cert, pki.ca)))))
                    .isEqualTo(new AuthResult.Allowed("line2-gateway", Set.of("gateway"), "certificate"));
            assertThat(auth.counters().allowedCount(Method.CERTIFICATE)).isEqualTo(1);
        }

        @Test
        void anyCertificateLogsInWithoutRolesWhenNotListed() throws Exception {
            HubAuthenticator auth = authenticator(certificateLogin(CertificateLogin.ANY, CertificateIdentity.CN));

            assertThat(result(auth.authenticate(credentials(null, null, REMOTE, List.of(pki.client("CN=new-device"))))))
                    .isEqualTo(new AuthResult.Allowed("new-device", Set.of(), "certificate"));
            assertThat(result(auth.authenticate(credentials(null, null, REMOTE, List.of(pki.client("CN=plc-line1"))))))
                    .as("a password user's roles need certificate: true")
                    .isEqualTo(new AuthResult.Allowed("plc-line1", Set.of(), "certificate"));
        }

        @Test
        void listedModeRefusesIdentitiesWithoutACertificateEntry() throws Exception {
            HubAuthenticator auth = authenticator(certificateLogin(CertificateLogin.LISTED, CertificateIdentity.CN));

            assertThat(result(auth.authenticate(credentials(null, null, REMOTE, List.of(pki.client("CN=plc-line1"))))))
                    .isEqualTo(refused(0x87, "certificate identity 'plc-line1' is not a certificate user"));
            assertThat(result(auth.authenticate(credentials(null, null, REMOTE, List.of(pki.client("CN=line2-gateway"))))))
                    .isInstanceOf(AuthResult.Allowed.class);
            assertThat(auth.counters().refusedCount(Refusal.CERTIFICATE_NOT_LISTED)).isEqualTo(1);
        }

        @Test
        void theIdentityCanComeFromASubjectAlternativeName() throws Exception {
            X509Certificate cert = pki.client("CN=something-else", CertificateMaker.email("ops@plant.example"),
                    CertificateMaker.dns("line2-gateway"), CertificateMaker.uri("urn:plant:line2"));

            assertThat(result(authenticator(certificateLogin(CertificateLogin.ANY, CertificateIdentity.SAN_DNS))
                    .authenticate(credentials(null, null, REMOTE, List.of(cert)))))
                    .isEqualTo(new AuthResult.Allowed("line2-gateway", Set.of("gateway"), "certificate"));
            assertThat(result(authenticator(certificateLogin(CertificateLogin.ANY, CertificateIdentity.SAN_EMAIL))
                    .authenticate(credentials(null, null, REMOTE, List.of(cert)))))
                    .isEqualTo(new AuthResult.Allowed("ops@plant.example", Set.of(), "certificate"));
            assertThat(result(authenticator(certificateLogin(CertificateLogin.ANY, CertificateIdentity.SAN_URI))
                    .authenticate(credentials(null, null, REMOTE, List.of(cert)))))
                    .isEqualTo(new AuthResult.Allowed("urn:plant:line2", Set.of(), "certificate"));
        }

        @Test
        void aCertificateWithoutTheConfiguredIdentityIsRefused() throws Exception {
            HubAuthenticator auth = authenticator(certificateLogin(CertificateLogin.ANY, CertificateIdentity.SAN_DNS));

            assertThat(result(auth.authenticate(credentials(null, null, REMOTE, List.of(pki.client("CN=no-san"))))))
                    .isEqualTo(refused(0x87, "client certificate has no SAN_DNS identity"));
        }

        @Test
        void withCertificateLoginOffTheClientLogsInAsUsual() throws Exception {
            HubAuthenticator auth = authenticator(certificateLogin(CertificateLogin.OFF, CertificateIdentity.CN));
            List<X509Certificate> chain = List.of(pki.client("CN=line2-gateway"));

            assertThat(result(auth.authenticate(credentials("plc-line1", "pw", REMOTE, chain))))
                    .isEqualTo(new AuthResult.Allowed("plc-line1", Set.of("plc"), "password"));
            assertThat(result(auth.authenticate(credentials(null, null, REMOTE, chain))))
                    .isEqualTo(refused(0x87, "anonymous access is not allowed"));
        }

        @Test
        void aRevokedCertificateIsRefusedWhateverElseTheClientSends() throws Exception {
            X509Certificate revoked = pki.client("CN=line2-gateway");
            String fingerprint = CertificateIdentities.sha256Fingerprint(revoked);
            String colons = String.join(":", fingerprint.toUpperCase().split("(?<=\\G..)"));
            AuthSettings off = certificateLogin(CertificateLogin.OFF, CertificateIdentity.CN)
                    .withRevokedCertificates(Set.of(colons));
            HubAuthenticator auth = authenticator(off);

            assertThat(result(auth.authenticate(credentials("plc-line1", "pw", REMOTE, List.of(revoked)))))
                    .isEqualTo(refused(0x87, "client certificate is revoked"));
            assertThat(result(auth.authenticate(credentials("plc-line1", "pw", REMOTE, List.of(pki.client("CN=line2-gateway"))))))
                    .as("another certificate with the same name").isInstanceOf(AuthResult.Allowed.class);
            assertThat(auth.counters().refusedCount(Refusal.CERTIFICATE_REVOKED)).isEqualTo(1);
        }

        @Test
        void aCertificateCanBeRevokedByItsSerialNumber() throws Exception {
            X509Certificate revoked = pki.client("CN=line2-gateway", new BigInteger("0A1B2C3D4E", 16),
                    Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1)));
            HubAuthenticator auth = authenticator(certificateLogin(CertificateLogin.ANY, CertificateIdentity.CN)
                    .withRevokedCertificates(Set.of("00:0a:1b:2c:3d:4e")));

            assertThat(result(auth.authenticate(credentials(null, null, REMOTE, List.of(revoked)))))
                    .isEqualTo(refused(0x87, "client certificate is revoked"));
        }

        @Test
        void revokingTheIssuingCaRefusesItsCertificates() throws Exception {
            HubAuthenticator auth = authenticator(certificateLogin(CertificateLogin.ANY, CertificateIdentity.CN)
                    .withRevokedCertificates(Set.of(CertificateIdentities.sha256Fingerprint(pki.ca))));

            assertThat(result(auth.authenticate(credentials(null, null, REMOTE,
                    List.of(pki.client("CN=line2-gateway"), pki.ca)))))
                    .isEqualTo(refused(0x87, "client certificate is revoked"));
        }

        @Test
        void anExpiredCertificateIsRefused() throws Exception {
            X509Certificate expired = pki.client("CN=line2-gateway", BigInteger.valueOf(77),
                    Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
            HubAuthenticator auth = authenticator(certificateLogin(CertificateLogin.ANY, CertificateIdentity.CN));

            assertThat(result(auth.authenticate(credentials(null, null, REMOTE, List.of(expired)))))
                    .isEqualTo(refused(0x87, "client certificate is expired or not yet valid"));
        }

        @Test
        void revocationEntriesMustBeHex() {
            assertThatThrownBy(() -> AuthSettings.DEFAULT.withRevokedCertificates(Set.of("not-hex")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("revokedCertificates");
        }
    }
}
