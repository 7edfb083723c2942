package io.unshub.broker.handler;

import java.security.SecureRandom;

/**
 * Client identifiers the broker assigns to clients that send none [MQTT-3.1.3-6]: 23 characters, the
 * length every server must accept [MQTT-3.1.3-5], with about 98 random bits so they do not collide.
 */
final class AssignedClientIds {

    private static final String PREFIX = "uns-";
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int RANDOM_CHARACTERS = 23 - PREFIX.length();
    private static final SecureRandom RANDOM = new SecureRandom();

    private AssignedClientIds() {
    }

    static String next() {
        char[] id = new char[PREFIX.length() + RANDOM_CHARACTERS];
        PREFIX.getChars(0, PREFIX.length(), id, 0);
        for (int i = PREFIX.length(); i < id.length; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
