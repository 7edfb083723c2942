package io.unshub.broker.security;

/**
 * A users file or JWKS file that cannot be used, with where the problem is: the file, the line (1-based, 0
 * when unknown) and the key path ({@code users[2].password}). The message never quotes a password, hash or
 * key, only where it is.
 */
public final class AuthConfigException extends Exception {

    private final String file;
    private final int line;
    private final String key;
    private final String problem;

    public AuthConfigException(String file, int line, String key, String problem) {
        super(file + (line > 0 ? ":" + line : "") + (key.isEmpty() ? "" : ": " + key) + ": " + problem);
        this.file = file;
        this.line = line;
        this.key = key;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }
}
