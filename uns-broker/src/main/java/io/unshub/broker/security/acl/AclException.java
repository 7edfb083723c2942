package io.unshub.broker.security.acl;

/**
 * An ACL file that cannot be used, with where the problem is: the file, the line (1-based, 0 when unknown)
 * and the key path ({@code rules[2].topics[0]}), e.g.
 * {@code config/acl.yaml:14: rules[2].topics[0]: bad filter 'a/#/b': '#' must be the last character ...}.
 */
public final class AclException extends Exception {

    private final String file;
    private final int line;
    private final String key;
    private final String problem;

    public AclException(String file, int line, String key, String problem) {
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
