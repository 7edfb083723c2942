package io.unshub.broker.security;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Salted, slow password hashes for {@code users.yaml}: PBKDF2 with HMAC-SHA256 from the JDK, a random
 * 16-byte salt and 210,000 iterations by default, written as
 * {@code pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>}. Verification reads the iteration count,
 * salt and hash length from the stored text, so raising the default later does not break older entries.
 *
 * <p>A verification costs the full iteration count (tens to hundreds of milliseconds of CPU): never call it
 * on an event loop. Instances are immutable and thread-safe.
 */
public final class PasswordHasher {

    public static final String SCHEME = "pbkdf2-sha256";
    public static final int DEFAULT_ITERATIONS = 210_000;
    /** Below this a stored hash is refused as too weak to be anything but a mistake. */
    public static final int MIN_ITERATIONS = 1_000;
    /** Above this a stored hash is refused: one login would take minutes (a typo, or a denial of service). */
    public static final int MAX_ITERATIONS = 10_000_000;

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final String FORMAT = SCHEME + "$<iterations>$<salt base64>$<hash base64>";

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    /** Hashes with {@link #DEFAULT_ITERATIONS}. */
    public PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    /** Hashes with {@code iterations} (tests use a low count to stay fast). */
    public PasswordHasher(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between " + MIN_ITERATIONS + " and "
                    + MAX_ITERATIONS + ", was " + iterations);
        }
        this.iterations = iterations;
    }

    public int iterations() {
        return iterations;
    }

    /** A new salted hash of {@code password}; the array is not kept (the caller may clear it). */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * Whether {@code password} matches {@code encoded}, compared in constant time.
     *
     * @throws IllegalArgumentException when {@code encoded} is not a hash in our format (the message says why
     *                                  and never repeats the value, which may be a plain-text password)
     */
    public static boolean verify(char[] password, String encoded) {
        Parsed parsed = parse(encoded);
        byte[] candidate = derive(password, parsed.salt(), parsed.iterations(), parsed.hash().length);
        return MessageDigest.isEqual(candidate, parsed.hash());
    }

    /**
     * {@link #verify(char[], String)} for a password as MQTT carries it (UTF-8 bytes); bytes that are not
     * UTF-8 never match.
     */
    public static boolean verify(byte[] passwordUtf8, String encoded) {
        char[] chars = Passwords.utf8ToChars(passwordUtf8);
        if (chars == null) {
            parse(encoded);
            return false;
        }
        try {
            return verify(chars, encoded);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /**
     * Checks the format of a stored hash without the cost of a verification.
     *
     * @throws IllegalArgumentException naming what is wrong (never quoting the value)
     */
    public static void checkEncoding(String encoded) {
        parse(encoded);
    }

    /**
     * The iteration count of a stored hash.
     *
     * @throws IllegalArgumentException when {@code encoded} is not a hash in our format
     */
    public static int iterationsOf(String encoded) {
        return parse(encoded).iterations();
    }

    /** Whether {@code encoded} has the shape of one of our hashes (for telling hashes from other secrets). */
    public static boolean looksLikeHash(String encoded) {
        return encoded != null && encoded.startsWith(SCHEME + "$");
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            throw new IllegalArgumentException("no password hash; expected " + FORMAT);
        }
        if (!looksLikeHash(encoded)) {
            throw new IllegalArgumentException("not a " + SCHEME + " hash (plain-text passwords are not accepted; "
                    + "make one with 'user add'); expected " + FORMAT);
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("a " + SCHEME + " hash has 4 parts separated by '$', this one has "
                    + parts.length + "; expected " + FORMAT);
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the iteration count of a " + SCHEME + " hash is not a number; expected "
                    + FORMAT);
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the iteration count of a " + SCHEME + " hash must be between "
                    + MIN_ITERATIONS + " and " + MAX_ITERATIONS + ", was " + iterations);
        }
        byte[] salt = decode(parts[2], "salt");
        byte[] hash = decode(parts[3], "hash");
        if (salt.length < 8 || salt.length > 64) {
            throw new IllegalArgumentException("the salt of a " + SCHEME + " hash must be 8 to 64 bytes, was "
                    + salt.length);
        }
        if (hash.length < 16 || hash.length > 64) {
            throw new IllegalArgumentException("the hash part of a " + SCHEME + " hash must be 16 to 64 bytes, was "
                    + hash.length);
        }
        return new Parsed(iterations, salt, hash);
    }

    private static byte[] decode(String base64, String what) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " of a " + SCHEME + " hash is not valid base64");
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
