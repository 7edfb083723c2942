package io.unshub.broker.security;

import io.unshub.core.config.ConfigFileException;

/**
 * A users file or JWKS file that cannot be used, with where the problem is: the file, the line (1-based, 0
 * when unknown) and the key path ({@code users[2].password}). The message never quotes a password, hash or
 * key, only where it is.
 */
public final class AuthConfigException extends ConfigFileException {

    public AuthConfigException(String file, int line, String key, String problem) {
        super(file, line, key, problem);
    }
}
