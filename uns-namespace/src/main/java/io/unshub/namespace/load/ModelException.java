package io.unshub.namespace.load;

import io.unshub.core.config.ConfigFileException;

/**
 * A namespace model that cannot be used, with where the problem is: the file, the line (1-based, 0 when
 * unknown) and the key path ({@code spec.levels[1].values}).
 */
public final class ModelException extends ConfigFileException {

    public ModelException(String file, int line, String key, String problem) {
        super(file, line, key, problem);
    }
}
