package io.unshub.sparkplug.model;

import java.util.Arrays;
import java.util.Objects;

/** Equality, hashing and printing of decoded values, which may be arrays. */
final class Values {

    private Values() {
    }

    static boolean same(Object a, Object b) {
        return Objects.deepEquals(a, b);
    }

    static int hash(Object value) {
        return Arrays.deepHashCode(new Object[] {value});
    }

    static String show(Object value) {
        if (value != null && value.getClass().isArray()) {
            String text = Arrays.deepToString(new Object[] {value});
            return text.substring(1, text.length() - 1);
        }
        return String.valueOf(value);
    }
}
