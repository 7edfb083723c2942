package io.unshub.broker.security;

import io.unshub.core.config.ConfigFileReloader;
import io.unshub.core.config.FileStamp;
import io.unshub.broker.security.AuthCounters.Method;
import io.unshub.broker.security.AuthCounters.Refusal;
import io.unshub.broker.security.AuthSettings.CertificateLogin;
import io.unshub.broker.security.UsersFile.User;
import io.unshub.broker.transport.ReasonCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's {@link Authenticator}: client certificates, JWTs, the users file and the anonymous policy of
 * {@link AuthSettings}, tried in this order:
 *
 * <ol>
 *   <li><b>Certificate</b> (mutual-TLS listeners, {@link Credentials#certificates()} not empty). A certificate
 *   whose SHA-256 fingerprint (of it or any certificate in its chain) or serial number is in
 *   {@link AuthSettings#revokedCertificates()}, or that is outside its validity period, is refused (0x87)
 *   whatever the other settings say. With {@link CertificateLogin#ANY} or {@link CertificateLogin#LISTED} the
 *   certificate then decides alone: the user is its CN or subject alternative name
 *   ({@link AuthSettings#certificateIdentity()}), its roles those of a users-file entry of that name with
 *   {@code certificate: true} (none without one; {@code LISTED} refuses identities without one). The CONNECT
 *   user name and password are ignored then, as Mosquitto's {@code use_identity_as_username} does.</li>
 *   <li><b>JWT</b>, when JWT is configured and the password has the shape of a JWT ({@link JwtVerifier}).
 *   A token that fails is refused; it is not tried as a password.</li>
 *   <li><b>Users file</b>, when configured and the client sent a password: the user must exist with a
 *   password hash that matches. Unknown user and wrong password get the same answer (0x86, "bad user name
 *   or password") and cost the same time, so neither the reason string nor timing tells which names
 *   exist; {@link #counters()} tells them apart.</li>
 *   <li><b>Anonymous policy</b> for everything else (no password; or a password with no users file, in
 *   which case it is not looked at): {@code ALL}, {@code LOCAL} (loopback clients only) or {@code NONE}.</li>
 * </ol>
 *
 * <p>Password checks cost about a hundred milliseconds of CPU each, so they run on two hashing threads of
 * this authenticator behind a bounded queue; when the queue is full a CONNECT is refused at once with 0x89
 * server busy rather than piling up. Successful checks are remembered for {@link AuthSettings#cacheTtl()},
 * keyed by user, stored hash and an HMAC of the password under a key that lives only in this process, and
 * concurrent checks of the same pair share one computation, so a reconnect storm of good clients costs
 * almost nothing. Failed checks are never remembered.
 *
 * <p>The users file and the JWKS file are reloaded when they change by {@link ConfigFileReloader}s, like the
 * namespace model and the ACL. A good new version replaces the old one and empties the cache; a broken
 * edit, or a removed file, keeps the previous version and is reported in {@link #status()}. Connected
 * clients are never touched by a reload: the new users apply to the next CONNECT.
 *
 * <p>Threads: {@link #authenticate} on the caller (the event loop), doing only cheap work there (lookups,
 * an HMAC, JWT checks); password hashing on its two {@code uns-auth-hash-*} threads; reloads on the
 * reloaders' polling threads. The users are swapped whole through a volatile reference.
 */
public final class HubAuthenticator implements Authenticator, Closeable {

    public static final int HASH_THREADS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(HubAuthenticator.class);
    private static final int CACHE_MAX_ENTRIES = 10_000;
    private static final String BAD_CREDENTIALS = "bad user name or password";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final AuthSettings settings;
    private final JwtVerifier jwt;
    private final AuthCounters counters = new AuthCounters();
    private final ThreadPoolExecutor hashing;
    /** Polls the users file; {@code null} without one. */
    private final UsersReloader usersReloader;
    /** Whether there was no users file at start-up (so no users file has been loaded until one appears). */
    private final boolean usersAbsentAtStart;
    private final long cacheTtlNanos;
    private final byte[] cacheKeySecret = new byte[32];
    private final ConcurrentHashMap<CacheKey, Long> verified = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<CacheKey, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();
    private volatile UsersFile users;
    private volatile String dummyHash;
    private volatile boolean closed;

    /**
     * What the authenticator has loaded.
     *
     * @param users         users in force
     * @param usersLoadedAt when the users file in force was read ({@code null}: no file yet)
     * @param jwtKeys       RSA keys in force from the JWKS file
     * @param reloads       successful reloads of either file since start
     * @param usersError    why the current users file is not in force, or {@code null}
     * @param jwksError     why the current JWKS file is not in force, or {@code null}
     * @param lastErrorAt   when the most recent of those errors happened
     */
    public record Status(int users, Instant usersLoadedAt, int jwtKeys, int reloads, String usersError,
                         String jwksError, Instant lastErrorAt) {

        /** The users-file error, else the JWKS error, else {@code null}. */
        public String lastError() {
            return usersError != null ? usersError : jwksError;
        }
    }

    /** {@code users.yaml}, loaded and reloaded like every other config file. */
    private static final class UsersReloader extends ConfigFileReloader<UsersFile, AuthConfigException> {
        UsersReloader(Path file, java.util.function.Consumer<UsersFile> install) {
            super("users", file, UsersFile::load, () -> UsersFile.EMPTY, install, users -> users.size() + " users");
        }
    }

    /** A verified pair: user, the stored hash it was verified against, and an HMAC of the password. */
    private record CacheKey(String user, String storedHash, String passwordMac) {
    }

    /**
     * Loads the users file and the JWKS file and starts the reload poller and the hashing threads.
     *
     * @throws AuthConfigException when a configured file exists but cannot be used (start-up must fail; the
     *                             message names the file, line and key). A users file that does not exist yet
     *                             means no users; a JWKS file must exist.
     */
    public HubAuthenticator(AuthSettings settings) throws AuthConfigException {
        this.settings = Objects.requireNonNull(settings, "settings");
        new SecureRandom().nextBytes(cacheKeySecret);
        this.cacheTtlNanos = settings.cacheTtl().toNanos();
        this.jwt = settings.jwt() == null ? null : new JwtVerifier(settings.jwt());
        Path file = settings.usersFile();
        if (file == null) {
            usersReloader = null;
            usersAbsentAtStart = true;
            installUsers(UsersFile.EMPTY);
        } else {
            usersAbsentAtStart = FileStamp.of(file) == null;
            usersReloader = new UsersReloader(file, this::installUsers);
            try {
                usersReloader.loadInitial();
            } catch (AuthConfigException | RuntimeException e) {
                if (jwt != null) {
                    jwt.close();
                }
                throw e;
            }
        }
        int instance = INSTANCES.incrementAndGet();
        this.hashing = new ThreadPoolExecutor(HASH_THREADS, HASH_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.hashQueueCapacity()), daemon("uns-auth-hash-" + instance + "-"),
                new ThreadPoolExecutor.AbortPolicy());
        if (usersReloader != null) {
            usersReloader.start(settings.reloadInterval());
        }
        if (jwt != null) {
            jwt.startReloading(settings.reloadInterval());
        }
    }

    // ------------------------------------------------------------------ the decision

    @Override
    public CompletionStage<AuthResult> authenticate(Credentials credentials) {
        if (closed) {
            return done(refuse(Refusal.SERVER_BUSY, ReasonCodes.SERVER_BUSY, "authentication is shutting down"));
        }
        if (!credentials.certificates().isEmpty()) {
            AuthResult byCertificate = certificate(credentials.certificates());
            if (byCertificate != null) {
                return done(byCertificate);
            }
        }
        byte[] password = credentials.password();
        if (password != null && jwt != null && JwtVerifier.looksLikeJwt(password)) {
            return done(token(new String(password, StandardCharsets.US_ASCII), credentials.username()));
        }
        if (password != null && settings.usersFile() != null) {
            return password(credentials.username(), password);
        }
        return done(anonymous(credentials));
    }

    /** A refusal, an allowance, or {@code null} when certificate login is off and the certificate is fine. */
    private AuthResult certificate(List<X509Certificate> chain) {
        X509Certificate leaf = chain.getFirst();
        Set<String> revoked = settings.revokedCertificates();
        if (!revoked.isEmpty()) {
            boolean hit = revoked.contains(CertificateIdentities.serialHex(leaf));
            for (int i = 0; i < chain.size() && !hit; i++) {
                hit = revoked.contains(CertificateIdentities.sha256Fingerprint(chain.get(i)));
            }
            if (hit) {
                return refuse(Refusal.CERTIFICATE_REVOKED, ReasonCodes.NOT_AUTHORIZED, "client certificate is revoked");
            }
        }
        try {
            leaf.checkValidity();
        } catch (CertificateException e) {
            return refuse(Refusal.CERTIFICATE_INVALID, ReasonCodes.NOT_AUTHORIZED,
                    "client certificate is expired or not yet valid");
        }
        if (settings.certificateLogin() == CertificateLogin.OFF) {
            return null;
        }
        Optional<String> identity = CertificateIdentities.identity(leaf, settings.certificateIdentity());
        if (identity.isEmpty()) {
            return refuse(Refusal.CERTIFICATE_INVALID, ReasonCodes.NOT_AUTHORIZED,
                    "client certificate has no " + settings.certificateIdentity() + " identity");
        }
        String name = identity.get();
        Optional<User> entry = users.user(name).filter(User::certificate);
        if (entry.isEmpty() && settings.certificateLogin() == CertificateLogin.LISTED) {
            return refuse(Refusal.CERTIFICATE_NOT_LISTED, ReasonCodes.NOT_AUTHORIZED,
                    "certificate identity '" + name + "' is not a certificate user");
        }
        return allow(Method.CERTIFICATE, name, entry.map(User::roles).orElse(Set.of()));
    }

    private AuthResult token(String token, String connectUsername) {
        JwtVerifier.Result result = jwt.verify(token, connectUsername);
        if (result instanceof JwtVerifier.Result.Valid valid) {
            return allow(Method.JWT, valid.username(), valid.roles());
        }
        JwtVerifier.Result.Invalid invalid = (JwtVerifier.Result.Invalid) result;
        Refusal refusal = invalid.problem() == JwtVerifier.Problem.EXPIRED ? Refusal.JWT_EXPIRED : Refusal.JWT_INVALID;
        return refuse(refusal, ReasonCodes.BAD_USER_NAME_OR_PASSWORD, invalid.reason());
    }

    private CompletionStage<AuthResult> password(String name, byte[] password) {
        if (name == null) {
            return done(refuse(Refusal.NO_USER_NAME, ReasonCodes.BAD_USER_NAME_OR_PASSWORD,
                    "a password needs a user name"));
        }
        Optional<User> user = users.user(name);
        String stored = user.map(User::passwordHash).orElse(null);
        if (stored == null) {
            // Spend the same time as a real check, and share it between identical attempts as a real check does,
            // so that neither timing nor a full hashing queue tells which names exist.
            CompletableFuture<Boolean> decoy;
            try {
                CacheKey decoyKey = cacheTtlNanos > 0 ? cacheKey(name, dummyHash, password) : null;
                decoy = decoyKey == null ? submit(password, dummyHash) : coalesced(decoyKey, password, dummyHash);
            } catch (RejectedExecutionException e) {
                return done(busy());
            }
            return decoy.handle((ignored, error) -> error != null ? busy()
                    : refuse(Refusal.UNKNOWN_USER, ReasonCodes.BAD_USER_NAME_OR_PASSWORD, BAD_CREDENTIALS));
        }
        Set<String> roles = user.get().roles();
        CacheKey key = cacheTtlNanos > 0 ? cacheKey(name, stored, password) : null;
        if (key != null) {
            Long expires = verified.get(key);
            if (expires != null) {
                if (expires - System.nanoTime() > 0) {
                    return done(allow(Method.PASSWORD, name, roles));
                }
                verified.remove(key, expires);
            }
        }
        CompletableFuture<Boolean> check;
        try {
            check = key == null ? submit(password, stored) : coalesced(key, password, stored);
        } catch (RejectedExecutionException e) {
            return done(busy());
        }
        return check.handle((ok, error) -> {
            if (error != null) {
                return busy();
            }
            if (!ok) {
                return refuse(Refusal.BAD_PASSWORD, ReasonCodes.BAD_USER_NAME_OR_PASSWORD, BAD_CREDENTIALS);
            }
            if (key != null) {
                remember(key);
            }
            return allow(Method.PASSWORD, name, roles);
        });
    }

    private AuthResult anonymous(Credentials credentials) {
        boolean allowed = switch (settings.anonymous()) {
            case ALL -> true;
            case LOCAL -> credentials.isLocal();
            case NONE -> false;
        };
        if (allowed) {
            return allow(Method.ANONYMOUS, null, Set.of());
        }
        if (credentials.username() != null && credentials.password() == null) {
            return refuse(Refusal.ANONYMOUS_NOT_ALLOWED, ReasonCodes.BAD_USER_NAME_OR_PASSWORD, "a password is required");
        }
        return refuse(Refusal.ANONYMOUS_NOT_ALLOWED, ReasonCodes.NOT_AUTHORIZED,
                settings.anonymous() == AuthSettings.Anonymous.LOCAL
                        ? "anonymous access is only allowed from this machine"
                        : "anonymous access is not allowed");
    }

    private AuthResult allow(Method method, String username, Set<String> roles) {
        counters.allowed(method);
        return new AuthResult.Allowed(username, roles, method.label());
    }

    private AuthResult refuse(Refusal refusal, int reasonCode, String reason) {
        counters.refused(refusal);
        LOG.debug("refused ({}): {}", refusal.label(), reason);
        return new AuthResult.Refused(reasonCode, reason);
    }

    private AuthResult busy() {
        return refuse(Refusal.SERVER_BUSY, ReasonCodes.SERVER_BUSY, "server busy");
    }

    private static CompletionStage<AuthResult> done(AuthResult result) {
        return CompletableFuture.completedFuture(result);
    }

    // ------------------------------------------------------------------ hashing and the cache

    /** One password check, the only kind of task on the hashing threads. */
    private static final class HashTask implements Runnable {
        final CompletableFuture<Boolean> result = new CompletableFuture<>();
        private final byte[] password;
        private final String stored;

        HashTask(byte[] password, String stored) {
            this.password = password.clone();
            this.stored = stored;
        }

        @Override
        public void run() {
            try {
                result.complete(PasswordHasher.verify(password, stored));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            } finally {
                Arrays.fill(password, (byte) 0);
            }
        }

        void cancel() {
            Arrays.fill(password, (byte) 0);
            result.completeExceptionally(new CancellationException("authentication is shutting down"));
        }
    }

    /** Queues a check. */
    private CompletableFuture<Boolean> submit(byte[] password, String stored) {
        HashTask task = new HashTask(password, stored);
        hashing.execute(task); // throws RejectedExecutionException when the queue is full or we are closed
        return task.result;
    }

    /** Joins a running check of the same pair, or queues one. */
    private CompletableFuture<Boolean> coalesced(CacheKey key, byte[] password, String stored) {
        CompletableFuture<Boolean> check = inFlight.computeIfAbsent(key, k -> submit(password, stored));
        check.whenComplete((ok, error) -> inFlight.remove(key, check));
        return check;
    }

    private void remember(CacheKey key) {
        if (verified.size() >= CACHE_MAX_ENTRIES) {
            long now = System.nanoTime();
            verified.values().removeIf(expires -> expires - now <= 0);
            if (verified.size() >= CACHE_MAX_ENTRIES) {
                return;
            }
        }
        verified.put(key, System.nanoTime() + cacheTtlNanos);
    }

    private CacheKey cacheKey(String user, String stored, byte[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKeySecret, "HmacSHA256"));
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return new CacheKey(user, stored, HexFormat.of().formatHex(mac.doFinal(password)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /** How many verified pairs are remembered (for tests and metrics). */
    public int cachedVerifications() {
        return verified.size();
    }

    // ------------------------------------------------------------------ reload

    /**
     * Checks the users file and the JWKS file once and loads whichever changed (the pollers do this on their
     * own; tests and tools may call it directly).
     *
     * @return whether anything new is in force
     */
    public boolean reloadIfChanged() {
        boolean users = usersReloader != null && usersReloader.reloadIfChanged();
        boolean keys = jwt != null && jwt.reloadKeysIfChanged();
        return users || keys;
    }

    /** Puts new users in force and forgets every remembered verification. */
    private void installUsers(UsersFile loaded) {
        users = loaded;
        verified.clear();
        int iterations = PasswordHasher.DEFAULT_ITERATIONS;
        for (User user : loaded.users()) {
            if (user.passwordHash() != null) {
                iterations = PasswordHasher.iterationsOf(user.passwordHash());
                break;
            }
        }
        // A well-formed hash nobody's password matches (all-zero salt and hash), as slow as the real ones.
        dummyHash = PasswordHasher.SCHEME + "$" + iterations + "$AAAAAAAAAAAAAAAAAAAAAA==$"
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    }

    // ------------------------------------------------------------------ state

    public AuthSettings settings() {
        return settings;
    }

    /** The users in force. */
    public UsersFile users() {
        return users;
    }

    public Status status() {
        ConfigFileReloader.Status<UsersFile> u = usersReloader == null ? null : usersReloader.status();
        ConfigFileReloader.Status<?> k = jwt == null ? null : jwt.jwksStatus();
        Instant usersLoadedAt = u == null || usersAbsentAtStart && u.reloads() == 0 ? null : u.loadedAt();
        String usersError = u == null ? null : u.lastError();
        String jwksError = k == null ? null : k.lastError();
        Instant errorAt = latest(usersError == null ? null : u.lastErrorAt(), jwksError == null ? null : k.lastErrorAt());
        return new Status(users.size(), usersLoadedAt, jwt == null ? 0 : jwt.rsaKeyCount(),
                (u == null ? 0 : u.reloads()) + (k == null ? 0 : k.reloads()), usersError, jwksError, errorAt);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** Outcomes since start, for metrics. */
    public AuthCounters counters() {
        return counters;
    }

    /**
     * Stops the poller and the hashing threads. Checks still queued are answered with 0x89; later CONNECTs
     * too.
     */
    @Override
    public void close() {
        closed = true;
        if (usersReloader != null) {
            usersReloader.close();
        }
        if (jwt != null) {
            jwt.close();
        }
        for (Runnable pending : hashing.shutdownNow()) {
            if (pending instanceof HashTask task) {
                task.cancel();
            }
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
