package io.unshub.core.config;

/**
 * A configuration file that cannot be used, with where the problem is: the file, the line (1-based, 0 when
 * unknown) and the key path ({@code spec.levels[1].values}), so a plant engineer finds the typo. The message
 * never quotes a secret, only where it is. Each kind of file has its own subclass.
 */
public class ConfigFileException extends Exception {

    private final String file;
    private final int line;
    private final String key;
    private final String problem;

    public ConfigFileException(String file, int line, String key, String problem) {
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
