package io.unshub.sparkplug.model;

/**
 * The values of the {@code Quality} property (Int32) the specification defines; absent means GOOD.
 * The hub uses the same codes for its own view of a metric (STALE after a death).
 */
public enum Quality {
    BAD(0),
    GOOD(192),
    STALE(500);

    /** The property key the specification reserves for quality. */
    public static final String PROPERTY_KEY = "Quality";

    private final int code;

    Quality(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The quality with this code, or {@code null} for a code the specification does not define. */
    public static Quality ofCode(long code) {
        for (Quality quality : values()) {
            if (quality.code == code) {
                return quality;
            }
        }
        return null;
    }
}
