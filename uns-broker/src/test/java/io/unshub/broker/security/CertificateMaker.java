package io.unshub.broker.security;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Certificates made on the spot with BouncyCastle: a CA and client certificates it signs. */
final class CertificateMaker {

    private static final AtomicLong SERIALS = new AtomicLong(0x1000);

    final KeyPair caKeys = keyPair();
    final X509Certificate ca = build("CN=Test Plant CA,O=UNS hub tests", caKeys, "CN=Test Plant CA,O=UNS hub tests",
            caKeys, BigInteger.valueOf(1), Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
            true);

    /** A client certificate signed by the CA, valid now. */
    X509Certificate client(String subject, GeneralName... alternativeNames) {
        return client(subject, BigInteger.valueOf(SERIALS.incrementAndGet()), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), alternativeNames);
    }

    X509Certificate client(String subject, BigInteger serial, Instant notBefore, Instant notAfter,
                           GeneralName... alternativeNames) {
        return build(subject, keyPair(), "CN=Test Plant CA,O=UNS hub tests", caKeys, serial, notBefore, notAfter,
                false, alternativeNames);
    }

    static GeneralName dns(String name) {
        return new GeneralName(GeneralName.dNSName, name);
    }

    static GeneralName email(String address) {
        return new GeneralName(GeneralName.rfc822Name, address);
    }

    static GeneralName uri(String uri) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
    }

    private static X509Certificate build(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                         BigInteger serial, Instant notBefore, Instant notAfter, boolean ca,
                                         GeneralName... alternativeNames) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), serial,
                    Date.from(notBefore), Date.from(notAfter), new X500Name(subject), subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (alternativeNames.length > 0) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
