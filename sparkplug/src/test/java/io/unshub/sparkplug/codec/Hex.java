package io.unshub.sparkplug.codec;

import java.util.HexFormat;

/** Byte vectors written as in the digest: space-separated hex pairs. */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    static String spaced(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
    }
}
