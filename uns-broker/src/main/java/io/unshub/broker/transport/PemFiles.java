package io.unshub.broker.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of the TLS listeners with the JDK alone, so that what runs in production is what the
 * tests check (Netty would quietly accept more key formats whenever BouncyCastle happens to be on the class
 * path). Every error is an {@link IllegalArgumentException} whose message names the file and the problem.
 *
 * <p>Private keys: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519/Ed448), and the two
 * traditional OpenSSL forms, PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}),
 * which are re-wrapped as PKCS#8 here. Encrypted keys are refused: the broker has no key password setting.
 */
final class PemFiles {

    /** Larger than any sensible certificate bundle; guards against pointing the setting at the wrong file. */
    private static final int MAX_FILE_SIZE = 1 << 20;
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    // DER of the AlgorithmIdentifier OIDs used to re-wrap traditional keys as PKCS#8.
    private static final byte[] OID_RSA_ENCRYPTION = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7,
            0x0D, 0x01, 0x01, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] OID_EC_PUBLIC_KEY = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02,
            0x01};

    private PemFiles() {
    }

    /** A file's bytes; {@code role} names the setting in messages ("certificate", "private key", "client CA"). */
    static byte[] read(String role, Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_SIZE) {
                throw problem(role, file, "is " + size + " bytes, too large for a PEM file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw problem(role, file, "does not exist");
        } catch (AccessDeniedException e) {
            throw problem(role, file, "is not readable (permission denied)");
        } catch (IOException e) {
            throw problem(role, file, "cannot be read: " + e);
        }
    }

    /** All {@code CERTIFICATE} blocks, in file order (for a server: its own certificate first, then the chain). */
    static List<X509Certificate> certificates(String role, Path file, byte[] pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK offers no X.509 certificate factory", e);
        }
        for (Block block : blocks(role, file, pem)) {
            if (!block.type().equals("CERTIFICATE")) {
                continue;
            }
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException | RuntimeException e) {
                throw problem(role, file, "certificate #" + (certificates.size() + 1)
                        + " is not a valid X.509 certificate: " + e.getMessage());
            }
        }
        if (certificates.isEmpty()) {
            throw problem(role, file, "contains no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The single private key in the file. */
    static PrivateKey privateKey(String role, Path file, byte[] pem) {
        PrivateKey key = null;
        for (Block block : blocks(role, file, pem)) {
            byte[] pkcs8 = switch (block.type()) {
                case "PRIVATE KEY" -> block.der();
                case "RSA PRIVATE KEY" -> {
                    rejectEncrypted(role, file, block);
                    yield wrapPkcs1(block.der());
                }
                case "EC PRIVATE KEY" -> {
                    rejectEncrypted(role, file, block);
                    yield wrapSec1(role, file, block.der());
                }
                case "ENCRYPTED PRIVATE KEY" -> throw problem(role, file, "holds an encrypted private key, which is "
                        + "not supported; store it unencrypted, e.g. openssl pkcs8 -topk8 -nocrypt -in "
                        + file.getFileName() + " -out key.pem, and restrict the file's permissions");
                default -> null;
            };
            if (pkcs8 == null) {
                continue;
            }
            if (key != null) {
                throw problem(role, file, "contains more than one private key");
            }
            key = decodePkcs8(role, file, pkcs8);
        }
        if (key == null) {
            throw problem(role, file, "contains no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        return key;
    }

    /** Fails unless {@code key} is the private half of {@code certificate}'s public key. */
    static void requireMatch(PrivateKey key, Path keyFile, X509Certificate certificate, Path certificateFile) {
        PublicKey publicKey = certificate.getPublicKey();
        boolean matches;
        if (key instanceof RSAKey rsaPrivate && publicKey instanceof RSAKey rsaPublic) {
            matches = rsaPrivate.getModulus().equals(rsaPublic.getModulus());
        } else if (!sameFamily(key, publicKey)) {
            matches = false;
        } else {
            matches = signatureVerifies(key, publicKey);
        }
        if (!matches) {
            throw new IllegalArgumentException("tls private key file '" + keyFile + "' does not belong to the "
                    + "certificate in '" + certificateFile + "' (" + certificate.getSubjectX500Principal().getName()
                    + ", serial " + certificate.getSerialNumber().toString(16) + ")");
        }
    }

    private static boolean sameFamily(PrivateKey key, PublicKey publicKey) {
        return family(key.getAlgorithm()).equals(family(publicKey.getAlgorithm()));
    }

    private static String family(String algorithm) {
        return switch (algorithm) {
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> algorithm;
        };
    }

    private static boolean signatureVerifies(PrivateKey key, PublicKey publicKey) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "EdDSA";
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static PrivateKey decodePkcs8(String role, Path file, byte[] pkcs8) {
        for (String algorithm : new String[] {"RSA", "EC", "EdDSA", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm; try the next
            }
        }
        throw problem(role, file, "holds a private key that is neither RSA, EC nor EdDSA, or is damaged");
    }

    private static void rejectEncrypted(String role, Path file, Block block) {
        if (block.encrypted()) {
            throw problem(role, file, "holds a password-protected private key, which is not supported; store it "
                    + "unencrypted, e.g. openssl pkey -in " + file.getFileName() + " -out key.pem, and restrict the "
                    + "file's permissions");
        }
    }

    /** PKCS#1 RSAPrivateKey -> PKCS#8 PrivateKeyInfo {0, {rsaEncryption, NULL}, OCTET STRING pkcs1}. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        return der(0x30, concat(new byte[] {0x02, 0x01, 0x00}, der(0x30, concat(OID_RSA_ENCRYPTION, DER_NULL)),
                der(0x04, pkcs1)));
    }

    /**
     * SEC1 ECPrivateKey {1, key, [0] curve OID, [1] public key} -> PKCS#8 {0, {ecPublicKey, curve}, OCTET STRING
     * sec1}. The curve is taken from the SEC1 parameters; keys without a named curve are refused.
     */
    private static byte[] wrapSec1(String role, Path file, byte[] sec1) {
        try {
            Der sequence = Der.read(sec1, 0);
            if (sequence.tag() != 0x30) {
                throw new IllegalArgumentException("not a SEQUENCE");
            }
            int at = sequence.contentStart();
            while (at < sequence.end()) {
                Der element = Der.read(sec1, at);
                if (element.tag() == 0xA0) {
                    Der curve = Der.read(sec1, element.contentStart());
                    if (curve.tag() != 0x06) {
                        break;
                    }
                    byte[] curveOid = java.util.Arrays.copyOfRange(sec1, curve.start(), curve.end());
                    return der(0x30, concat(new byte[] {0x02, 0x01, 0x00}, der(0x30, concat(OID_EC_PUBLIC_KEY,
                            curveOid)), der(0x04, sec1)));
                }
                at = element.end();
            }
        } catch (RuntimeException e) {
            throw problem(role, file, "holds an EC private key that cannot be parsed: " + e.getMessage());
        }
        throw problem(role, file, "holds an EC private key without a named curve; convert it with openssl pkcs8 "
                + "-topk8 -nocrypt");
    }

    private record Block(String type, byte[] der, boolean encrypted) {
    }

    private static List<Block> blocks(String role, Path file, byte[] pem) {
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            String body = matcher.group(2).replace("\r\n", "\n");
            boolean encrypted = body.contains("Proc-Type:") && body.contains("ENCRYPTED");
            int blank = body.indexOf("\n\n");
            if (body.contains(":") && blank >= 0) {
                body = body.substring(blank + 2); // RFC 1421 headers (traditional encrypted keys) end at a blank line
            }
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(body.strip()), encrypted));
            } catch (IllegalArgumentException e) {
                throw problem(role, file, "has a damaged " + matcher.group(1) + " block (bad base64: "
                        + e.getMessage() + ")");
            }
        }
        if (blocks.isEmpty()) {
            throw problem(role, file, "is not a PEM file (no -----BEGIN ...----- block)");
        }
        return blocks;
    }

    private static IllegalArgumentException problem(String role, Path file, String what) {
        return new IllegalArgumentException("tls " + role + " file '" + file + "' " + what);
    }

    // ------------------------------------------------------------------ minimal DER

    /** One DER element: tag, where it starts, where its content starts, where it ends. */
    private record Der(int tag, int start, int contentStart, int end) {
        static Der read(byte[] der, int at) {
            int tag = der[at] & 0xFF;
            int length = der[at + 1] & 0xFF;
            int contentStart = at + 2;
            if (length > 0x80) {
                int octets = length & 0x7F;
                if (octets > 3) {
                    throw new IllegalArgumentException("DER length too long");
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (der[contentStart + i] & 0xFF);
                }
                contentStart += octets;
            } else if (length == 0x80) {
                throw new IllegalArgumentException("indefinite length is not DER");
            }
            if (contentStart + length > der.length) {
                throw new IllegalArgumentException("truncated");
            }
            return new Der(tag, at, contentStart, contentStart + length);
        }
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
