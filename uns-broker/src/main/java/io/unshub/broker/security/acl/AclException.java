package io.unshub.broker.security.acl;

import io.unshub.core.config.ConfigFileException;

/**
 * An ACL file that cannot be used, with where the problem is: the file, the line (1-based, 0 when unknown)
 * and the key path ({@code rules[2].topics[0]}), e.g.
 * {@code config/acl.yaml:14: rules[2].topics[0]: bad filter 'a/#/b': '#' must be the last character ...}.
 */
public final class AclException extends ConfigFileException {

    public AclException(String file, int line, String key, String problem) {
        super(file, line, key, problem);
    }
}
