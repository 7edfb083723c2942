package io.unshub.broker.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHasherTest {

    private static final PasswordHasher FAST = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);

    @Test
    void defaultHashHasTheDocumentedFormatAndVerifies() {
        String hash = new PasswordHasher().hash("s3cret!".toCharArray());

        assertThat(hash).matches("pbkdf2-sha256\\$210000\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+");
        String[] parts = hash.split("\\$");
        assertThat(Base64.getDecoder().decode(parts[2])).hasSize(16);
        assertThat(Base64.getDecoder().decode(parts[3])).hasSize(32);
        assertThat(PasswordHasher.verify("s3cret!".toCharArray(), hash)).isTrue();
        assertThat(PasswordHasher.verify("s3cret?".toCharArray(), hash)).isFalse();
    }

    @Test
    void theSamePasswordGetsADifferentSaltEachTime() {
        String first = FAST.hash("same".toCharArray());
        String second = FAST.hash("same".toCharArray());

        assertThat(first).isNotEqualTo(second);
        assertThat(first.split("\\$")[2]).isNotEqualTo(second.split("\\$")[2]);
        assertThat(PasswordHasher.verify("same".toCharArray(), first)).isTrue();
        assertThat(PasswordHasher.verify("same".toCharArray(), second)).isTrue();
    }

    @Test
    void verificationUsesTheIterationCountStoredInTheHash() {
        String hash = new PasswordHasher(5_000).hash("pw".toCharArray());

        assertThat(hash).startsWith("pbkdf2-sha256$5000$");
        assertThat(PasswordHasher.iterationsOf(hash)).isEqualTo(5_000);
        assertThat(PasswordHasher.verify("pw".toCharArray(), hash)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pässwörd", "密码", "with spaces and \"quotes\"", "x"})
    void utf8PasswordBytesAsMqttCarriesThemVerify(String password) {
        String hash = FAST.hash(password.toCharArray());

        assertThat(PasswordHasher.verify(password.getBytes(StandardCharsets.UTF_8), hash)).isTrue();
        assertThat(PasswordHasher.verify((password + "x").getBytes(StandardCharsets.UTF_8), hash)).isFalse();
    }

    @Test
    void bytesThatAreNotUtf8NeverMatch() {
        // 0xC3 alone is a truncated UTF-8 sequence; a lenient decoder would turn it into U+FFFD
        String hash = FAST.hash("\uFFFD".toCharArray());

        assertThat(PasswordHasher.verify(new byte[] {(byte) 0xC3}, hash)).isFalse();
        assertThat(PasswordHasher.verify("\uFFFD".getBytes(StandardCharsets.UTF_8), hash)).isTrue();
    }

    @Test
    void aPlainTextPasswordIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> PasswordHasher.verify("x".toCharArray(), "Hunter2-plaintext"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a pbkdf2-sha256 hash")
                .hasMessageContaining("user add")
                .hasMessageNotContaining("Hunter2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==",
            "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$extra",
    })
    void theWrongNumberOfPartsIsNamed(String encoded) {
        assertThatThrownBy(() -> PasswordHasher.checkEncoding(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 parts");
    }

    @Test
    void eachMalformedPartIsNamed() {
        String salt = "AAAAAAAAAAAAAAAAAAAAAA==";
        String hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assertThatThrownBy(() -> PasswordHasher.checkEncoding("pbkdf2-sha256$many$" + salt + "$" + hash))
                .hasMessageContaining("iteration count").hasMessageContaining("not a number");
        assertThatThrownBy(() -> PasswordHasher.checkEncoding("pbkdf2-sha256$10$" + salt + "$" + hash))
                .hasMessageContaining("iteration count").hasMessageContaining("between 1000 and 10000000");
        assertThatThrownBy(() -> PasswordHasher.checkEncoding("pbkdf2-sha256$999999999$" + salt + "$" + hash))
                .hasMessageContaining("between 1000 and 10000000");
        assertThatThrownBy(() -> PasswordHasher.checkEncoding("pbkdf2-sha256$210000$not*base64$" + hash))
                .hasMessageContaining("salt").hasMessageContaining("base64");
        assertThatThrownBy(() -> PasswordHasher.checkEncoding("pbkdf2-sha256$210000$" + salt + "$%%%"))
                .hasMessageContaining("hash").hasMessageContaining("base64");
        assertThatThrownBy(() -> PasswordHasher.checkEncoding("pbkdf2-sha256$210000$AAAA$" + hash))
                .hasMessageContaining("salt").hasMessageContaining("8 to 64 bytes");
        assertThatThrownBy(() -> PasswordHasher.checkEncoding("pbkdf2-sha256$210000$" + salt + "$AAAA"))
                .hasMessageContaining("hash part").hasMessageContaining("16 to 64 bytes");
        assertThatThrownBy(() -> PasswordHasher.checkEncoding(""))
                .hasMessageContaining("no password hash");
    }

    @Test
    void aHasherRefusesIterationCountsOutsideTheSafeRange() {
        assertThatThrownBy(() -> new PasswordHasher(999)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(10_000_001)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTamperedHashDoesNotVerify() {
        String hash = FAST.hash("pw".toCharArray());
        String[] parts = hash.split("\\$");
        byte[] digest = Base64.getDecoder().decode(parts[3]);
        digest[31] ^= 1;
        String tampered = parts[0] + "$" + parts[1] + "$" + parts[2] + "$" + Base64.getEncoder().encodeToString(digest);

        assertThat(PasswordHasher.verify("pw".toCharArray(), tampered)).isFalse();
    }
}
