package io.unshub.broker.security;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Turning the password bytes of a CONNECT into characters without leaving copies in strings. */
final class Passwords {

    private Passwords() {
    }

    /**
     * The UTF-8 text of {@code bytes} as a fresh array the caller clears after use, or {@code null} when the
     * bytes are not UTF-8 (MQTT allows binary passwords; they cannot match a hash made from text, and mapping
     * them to U+FFFD would make different byte strings equal).
     */
    static char[] utf8ToChars(byte[] bytes) {
        CharBuffer decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            return null;
        }
        char[] chars = new char[decoded.remaining()];
        decoded.get(chars);
        Arrays.fill(decoded.array(), '\0');
        return chars;
    }
}
