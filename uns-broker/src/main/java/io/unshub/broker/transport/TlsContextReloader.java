package io.unshub.broker.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.unshub.broker.config.TlsSettings;
import io.unshub.broker.metrics.BrokerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link SslContext} of the TLS listeners, rebuilt without a restart when its PEM files change.
 *
 * <p>Channel initializers on every event loop read the current context ({@link #newHandler}); a new context
 * only affects connections accepted after it is installed, established connections keep their session. The
 * files are polled every {@link TlsSettings#reloadInterval()} (modification time, size and file key, so an
 * atomic rename or a Kubernetes secret's symlink swap is seen too). A change that does not load (half-written
 * file, key not matching the certificate, garbage) keeps the previous context, is logged once as an error and
 * counted; the files are then re-read on every poll and tried again as soon as their content changes.
 *
 * <p>Threads: the context reference is read anywhere; polling and building run on one daemon thread of this
 * class ("uns-tls-reload"), never on an event loop, and only that thread touches the poll state.
 */
final class TlsContextReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContextReloader.class);

    /**
     * The cipher suites offered: the TLS 1.3 ones, and for TLS 1.2 forward-secret AEAD suites only, as in
     * Mozilla's "intermediate" profile (no CBC, no static RSA key exchange). Those the JDK lacks are skipped.
     */
    private static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");

    private final TlsSettings settings;
    private final BrokerMetrics metrics;
    private final AtomicReference<SslContext> current = new AtomicReference<>();
    private ScheduledExecutorService poller;

    // Poll state: the constructor, then the poller thread only.
    private List<FileState> lastSeen;
    private byte[] lastDigest;
    private boolean lastAttemptFailed;

    /**
     * Loads the files and builds the first context.
     *
     * @throws IllegalArgumentException naming the file and the problem when a file is missing, unreadable or
     *                                  not what it should be
     */
    TlsContextReloader(TlsSettings settings, BrokerMetrics metrics) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = metrics;
        lastSeen = fileStates();
        Loaded loaded = load();
        current.set(loaded.context());
        lastDigest = loaded.digest();
        logInstalled("TLS certificate loaded", loaded);
    }

    /** A handler for a new connection, with the context current at this moment. */
    SslHandler newHandler(ByteBufAllocator allocator) {
        return current.get().newHandler(allocator);
    }

    SslContext current() {
        return current.get();
    }

    /** Starts polling the files, unless the reload interval is zero. */
    synchronized void start() {
        long intervalMillis = settings.reloadInterval().toMillis();
        if (intervalMillis <= 0 || poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "uns-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::pollSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again; keep watching
            LOG.error("TLS certificate reload check failed", e);
        }
    }

    /** One check: rebuilds the context if the files changed. Poller thread only. */
    void poll() {
        List<FileState> states = fileStates();
        if (states.equals(lastSeen) && !lastAttemptFailed) {
            return;
        }
        lastSeen = states;
        byte[] digest;
        try {
            digest = digest(readAll());
        } catch (IllegalArgumentException e) {
            digest = e.getMessage().getBytes(java.nio.charset.StandardCharsets.UTF_8); // e.g. a file is missing
        }
        if (Arrays.equals(digest, lastDigest)) {
            return; // touched, or still the same broken content already reported
        }
        lastDigest = digest;
        try {
            Loaded loaded = load();
            current.set(loaded.context());
            lastAttemptFailed = false;
            logInstalled("TLS certificate reloaded; new connections use it", loaded);
        } catch (IllegalArgumentException e) {
            lastAttemptFailed = true;
            LOG.error("TLS files changed but cannot be loaded, keeping the previous certificate: {}", e.getMessage());
            metrics.tlsReloadFailed();
        }
    }

    // ------------------------------------------------------------------ loading

    private record Loaded(SslContext context, X509Certificate certificate, byte[] digest) {
    }

    private List<byte[]> readAll() {
        List<byte[]> contents = new ArrayList<>(3);
        contents.add(PemFiles.read("certificate", settings.certificate()));
        contents.add(PemFiles.read("private key", settings.privateKey()));
        if (usesClientCa()) {
            contents.add(PemFiles.read("client CA", settings.clientCa()));
        }
        return contents;
    }

    private Loaded load() {
        List<byte[]> contents = readAll();
        List<X509Certificate> chain = PemFiles.certificates("certificate", settings.certificate(), contents.get(0));
        PrivateKey key = PemFiles.privateKey("private key", settings.privateKey(), contents.get(1));
        PemFiles.requireMatch(key, settings.privateKey(), chain.getFirst(), settings.certificate());
        List<X509Certificate> trusted = usesClientCa()
                ? PemFiles.certificates("client CA", settings.clientCa(), contents.get(2)) : List.of();
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain)
                // The JDK provider always: it is what the tests run, and it needs no native library.
                .sslProvider(SslProvider.JDK)
                .protocols(settings.protocols())
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .clientAuth(switch (settings.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRED -> ClientAuth.REQUIRE;
                });
        if (!trusted.isEmpty()) {
            builder.trustManager(trusted);
        }
        try {
            return new Loaded(builder.build(), chain.getFirst(), digest(contents));
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("tls certificate '" + settings.certificate() + "' with key '"
                    + settings.privateKey() + "' cannot be used: " + e.getMessage(), e);
        }
    }

    private boolean usesClientCa() {
        return settings.clientAuth() != TlsSettings.ClientAuth.NONE && settings.clientCa() != null;
    }

    private void logInstalled(String what, Loaded loaded) {
        X509Certificate certificate = loaded.certificate();
        LOG.info("{}: {} (serial {}, valid until {}), protocols {}, client certificates {}", what,
                certificate.getSubjectX500Principal().getName(), certificate.getSerialNumber().toString(16),
                certificate.getNotAfter().toInstant(), settings.protocols(), settings.clientAuth());
        Date now = new Date();
        if (now.after(certificate.getNotAfter()) || now.before(certificate.getNotBefore())) {
            LOG.warn("TLS certificate in '{}' is not valid now (valid {} to {}); clients will refuse it",
                    settings.certificate(), certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant());
        }
    }

    // ------------------------------------------------------------------ change detection

    /** What identifies a file's version without reading it; {@code null} fields when it does not exist. */
    private record FileState(Path path, Object fileKey, long modifiedNanos, long size) {
    }

    private List<FileState> fileStates() {
        List<FileState> states = new ArrayList<>(3);
        states.add(state(settings.certificate()));
        states.add(state(settings.privateKey()));
        if (usesClientCa()) {
            states.add(state(settings.clientCa()));
        }
        return states;
    }

    private static FileState state(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileState(file, attributes.fileKey(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                    attributes.size());
        } catch (IOException e) {
            return new FileState(file, null, -1, -1);
        }
    }

    private static byte[] digest(List<byte[]> contents) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (byte[] content : contents) {
                sha256.update(java.nio.ByteBuffer.allocate(4).putInt(content.length).array());
                sha256.update(content);
            }
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no SHA-256", e);
        }
    }
}
