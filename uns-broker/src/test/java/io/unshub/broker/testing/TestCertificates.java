package io.unshub.broker.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.util.io.pem.PemObject;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A throw-away PKI for TLS tests, made with BouncyCastle: certificate authorities, a server certificate for
 * {@code localhost}/{@code 127.0.0.1}, client certificates (also expired ones), and PEM files of all of them
 * the way operators would hand them to the broker. Keys are EC P-256 unless asked for RSA (fast to make).
 */
public final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALIAS = "presented";

    /** What is issued: a certificate, its private key, and the chain from it up to (and including) its CA. */
    public record Issued(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {

        public BigInteger serial() {
            return certificate.getSerialNumber();
        }

        /**
         * Key managers that always present this certificate and its chain (for a client's TLS config), whatever
         * CAs the server names as acceptable. The JDK's own key manager would quietly withhold a certificate the
         * server's CA list does not cover, and a test of the server's verification would then test nothing.
         */
        public KeyManagerFactory keyManagerFactory() {
            X509Certificate[] certificates = chain.toArray(new X509Certificate[0]);
            X509ExtendedKeyManager manager = new X509ExtendedKeyManager() {
                @Override
                public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
                    return ALIAS;
                }

                @Override
                public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
                    return ALIAS;
                }

                @Override
                public String[] getClientAliases(String keyType, Principal[] issuers) {
                    return new String[] {ALIAS};
                }

                @Override
                public String[] getServerAliases(String keyType, Principal[] issuers) {
                    return null;
                }

                @Override
                public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                    return null;
                }

                @Override
                public X509Certificate[] getCertificateChain(String alias) {
                    return ALIAS.equals(alias) ? certificates.clone() : null;
                }

                @Override
                public PrivateKey getPrivateKey(String alias) {
                    return ALIAS.equals(alias) ? privateKey : null;
                }
            };
            return new SimpleKeyManagerFactory() {
                @Override
                protected void engineInit(KeyStore keyStore, char[] password) {
                }

                @Override
                protected void engineInit(ManagerFactoryParameters parameters) {
                }

                @Override
                protected KeyManager[] engineGetKeyManagers() {
                    return new KeyManager[] {manager};
                }
            };
        }
    }

    public enum KeyType { EC, RSA }

    private TestCertificates() {
    }

    /** A self-signed certificate authority. */
    public static Issued authority(String commonName) {
        KeyPair keys = keyPair(KeyType.EC);
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name(commonName), serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), name(commonName),
                keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        X509Certificate certificate = sign(builder, keys.getPrivate());
        return new Issued(certificate, keys.getPrivate(), List.of(certificate));
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}, valid now, with a fresh serial. */
    public static Issued server(Issued ca) {
        return server(ca, KeyType.EC);
    }

    public static Issued server(Issued ca, KeyType keyType) {
        Instant now = Instant.now();
        return issue(ca, "localhost", keyType, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7)), true);
    }

    /** A client certificate with subject {@code CN=commonName}, valid now. */
    public static Issued client(Issued ca, String commonName) {
        Instant now = Instant.now();
        return client(ca, commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7)));
    }

    /** A client certificate valid from {@code notBefore} to {@code notAfter} (in the past for an expired one). */
    public static Issued client(Issued ca, String commonName, Instant notBefore, Instant notAfter) {
        return issue(ca, commonName, KeyType.EC, notBefore, notAfter, false);
    }

    private static Issued issue(Issued ca, String commonName, KeyType keyType, Instant notBefore, Instant notAfter,
                                boolean server) {
        KeyPair keys = keyPair(keyType);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                Date.from(notBefore), Date.from(notAfter), name(commonName), keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                    | (keyType == KeyType.RSA ? KeyUsage.keyEncipherment : 0)));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            if (server) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        X509Certificate certificate = sign(builder, ca.privateKey());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(ca.chain());
        return new Issued(certificate, keys.getPrivate(), List.copyOf(chain));
    }

    /** Trust managers that trust exactly these authorities. */
    public static TrustManagerFactory trusting(X509Certificate... authorities) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.length; i++) {
                store.setCertificateEntry("ca-" + i, authorities[i]);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ PEM files

    /** Writes certificates as PEM, replacing the file atomically (as a careful operator or cert-manager would). */
    public static Path writeCertificates(Path file, X509Certificate... certificates) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writeAtomically(file, text.toString());
    }

    /** Writes an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}), atomically. */
    public static Path writePrivateKey(Path file, PrivateKey key) {
        try {
            return writePem(file, new JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a private key in the traditional OpenSSL form: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) for RSA, SEC1
     * ({@code BEGIN EC PRIVATE KEY}) for EC.
     */
    public static Path writeTraditionalPrivateKey(Path file, PrivateKey key) {
        if (key instanceof ECPrivateKey ec) {
            // Written by hand: BouncyCastle's converter drops the curve, which openssl always writes ([0]).
            ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(
                    PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm().getParameters());
            try {
                byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(),
                        ec.getS(), curve).getEncoded();
                return writePem(file, new PemObject("EC PRIVATE KEY", sec1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return writePem(file, key);
    }

    /** Writes a password-protected PKCS#8 key ({@code BEGIN ENCRYPTED PRIVATE KEY}). */
    public static Path writeEncryptedPrivateKey(Path file, PrivateKey key, String password) {
        try {
            var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(new BouncyCastleProvider()).setPassword(password.toCharArray()).build();
            return writePem(file, new JcaPKCS8Generator(key, encryptor));
        } catch (OperatorCreationException | org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writePem(Path file, Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writeAtomically(file, text.toString());
    }

    /** Replaces a file's content atomically (write a sibling, then rename over it). */
    public static Path writeAtomically(Path file, String text) {
        try {
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            return Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ internals

    private static KeyPair keyPair(KeyType type) {
        try {
            if (type == KeyType.RSA) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048, RANDOM);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500Name("CN=" + commonName + ",O=UNS hub tests");
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
    }
}
