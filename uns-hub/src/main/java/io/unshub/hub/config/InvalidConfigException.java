package io.unshub.hub.config;

/** A configuration value the hub cannot start with; the message names the key and where it can be set. */
public final class InvalidConfigException extends RuntimeException {

    private final String key;

    public InvalidConfigException(String key, String problem) {
        super("Invalid configuration " + key + ": " + problem + " (set in application.properties, as -D" + key
                + " or as environment variable " + key.toUpperCase().replace('.', '_').replace('-', '_') + ")");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
