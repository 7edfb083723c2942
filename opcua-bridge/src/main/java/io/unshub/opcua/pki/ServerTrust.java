package io.unshub.opcua.pki;

import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides whether a server certificate is trusted: it must be in the trust list directory (DER or PEM files,
 * re-read on every check so an operator can drop a file in without a restart) and within its validity. An
 * untrusted certificate is refused and kept as {@code <rejected>/<sha256>.der} so the operator can review and
 * move it into the trust list. With trust-on-first-use, the first certificate seen while the trust list is
 * empty is stored and trusted. Stateless apart from the directories; called on Milo's threads.
 */
public final class ServerTrust implements CertificateValidator {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTrust.class);

    private final Path trustedDir;
    private final Path rejectedDir;
    private final boolean trustOnFirstUse;
    private final String connection;

    public ServerTrust(String connection, Path trustedDir, Path rejectedDir, boolean trustOnFirstUse) {
        this.connection = connection;
        this.trustedDir = trustedDir;
        this.rejectedDir = rejectedDir;
        this.trustOnFirstUse = trustOnFirstUse;
    }

    @Override
    public void validateCertificateChain(List<X509Certificate> chain, String applicationUri, String[] validHostNames)
            throws UaException {
        if (chain == null || chain.isEmpty()) {
            throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "the server sent no certificate");
        }
        X509Certificate cert = chain.get(0);
        List<X509Certificate> trusted = trusted();
        boolean known = trusted.stream().anyMatch(t -> sameCertificate(t, cert));
        if (!known && trustOnFirstUse && trusted.isEmpty()) {
            store(trustedDir, cert);
            LOG.warn("OPC UA connection {}: trusting the server certificate {} on first use ({})", connection,
                    cert.getSubjectX500Principal().getName(), CertificateInfo.sha256(cert));
            known = true;
        }
        if (!known) {
            store(rejectedDir, cert);
            throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "the server certificate "
                    + cert.getSubjectX500Principal().getName() + " (sha256 " + CertificateInfo.sha256(cert)
                    + ") is not in the trust list " + trustedDir + "; it was kept in " + rejectedDir);
        }
        try {
            cert.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new UaException(StatusCodes.Bad_CertificateTimeInvalid, "the server certificate has expired");
        } catch (CertificateNotYetValidException e) {
            throw new UaException(StatusCodes.Bad_CertificateTimeInvalid, "the server certificate is not yet valid");
        }
    }

    private static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (CertificateException e) {
            return false;
        }
    }

    private List<X509Certificate> trusted() {
        return readAll(trustedDir).stream().map(CertificateEntry::certificate).toList();
    }

    /** The certificates in a directory with their file names; unreadable files are skipped with a warning. */
    public static List<CertificateEntry> readAll(Path dir) {
        List<CertificateEntry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{der,crt,cer,pem}")) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (var c : factory.generateCertificates(in)) {
                        out.add(new CertificateEntry(file.getFileName().toString(), (X509Certificate) c));
                    }
                } catch (IOException | CertificateException e) {
                    LOG.warn("Skipping {}: not a certificate ({})", file, e.getMessage());
                }
            }
        } catch (IOException | CertificateException e) {
            LOG.warn("Cannot read the certificate directory {}: {}", dir, e.getMessage());
        }
        return out;
    }

    private static void store(Path dir, X509Certificate cert) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(CertificateInfo.sha256(cert) + ".der"), cert.getEncoded());
        } catch (IOException | CertificateException e) {
            LOG.warn("Cannot store a server certificate in {}: {}", dir, e.getMessage());
        }
    }

    /** A certificate read from a file of a certificate directory. */
    public record CertificateEntry(String file, X509Certificate certificate) {
        public CertificateInfo info() {
            return CertificateInfo.of(certificate, file);
        }
    }
}
