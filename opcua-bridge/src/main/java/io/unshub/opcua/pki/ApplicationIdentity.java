package io.unshub.opcua.pki;

import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Period;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's OPC UA application instance certificate and key, kept in {@code <pki>/own/hub.p12}. Generated on
 * first start (RSA 2048, SHA-256, 10 years, the application URI in the subject alternative name, as OPC UA
 * requires) and reused afterwards, so a server operator trusts it once. Immutable after {@link #loadOrCreate}.
 */
public final class ApplicationIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationIdentity.class);
    private static final String ALIAS = "uns-hub";
    /** The key store only guards against accidental reading; the directory's permissions protect it. */
    private static final char[] STORE_PASSWORD = "uns-hub".toCharArray();

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final String applicationUri;

    private ApplicationIdentity(KeyPair keyPair, X509Certificate certificate, String applicationUri) {
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.applicationUri = applicationUri;
    }

    public static ApplicationIdentity loadOrCreate(Path pkiDir, String applicationUri) throws IOException {
        return loadOrCreate(pkiDir, applicationUri, "UNS hub");
    }

    /** As {@link #loadOrCreate(Path, String)}, with the common name a new certificate gets (e.g. a demo server's). */
    public static ApplicationIdentity loadOrCreate(Path pkiDir, String applicationUri, String commonName)
            throws IOException {
        Path file = pkiDir.resolve("own").resolve("hub.p12");
        try {
            if (Files.isRegularFile(file)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    store.load(in, STORE_PASSWORD);
                }
                PrivateKey key = (PrivateKey) store.getKey(ALIAS, STORE_PASSWORD);
                X509Certificate cert = (X509Certificate) store.getCertificate(ALIAS);
                if (key == null || cert == null) {
                    throw new IOException(file + " holds no entry '" + ALIAS + "'; remove it to generate a new one");
                }
                // Servers check that the session's application URI is the certificate's: the certificate wins.
                String uri = CertificateUtil.getSanUri(cert).orElse(applicationUri);
                if (!uri.equals(applicationUri)) {
                    LOG.warn("The OPC UA certificate {} was made for application URI {}, not {}; using {} (remove the "
                            + "file to generate a new certificate)", file, uri, applicationUri, uri);
                }
                return new ApplicationIdentity(new KeyPair(cert.getPublicKey(), key), cert, uri);
            }
            KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            String host = hostName();
            X509Certificate cert = new SelfSignedCertificateBuilder(keyPair)
                    .setCommonName(commonName)
                    .setOrganization("UNS hub")
                    .setApplicationUri(applicationUri)
                    .addDnsName(host)
                    .addDnsName("localhost")
                    .addIpAddress("127.0.0.1")
                    .setValidityPeriod(Period.ofYears(10))
                    .build();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, keyPair.getPrivate(), STORE_PASSWORD, new Certificate[]{cert});
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("hub.p12.tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, STORE_PASSWORD);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // The public half, for operators to copy into the PLC's trust list.
            Files.write(pkiDir.resolve("own").resolve("hub.der"), cert.getEncoded());
            return new ApplicationIdentity(keyPair, cert, applicationUri);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load or create the OPC UA application certificate " + file + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot generate the OPC UA application certificate: " + e.getMessage(), e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String applicationUri() {
        return applicationUri;
    }
}
