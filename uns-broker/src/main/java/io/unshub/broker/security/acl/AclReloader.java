package io.unshub.broker.security.acl;

import io.unshub.core.config.ConfigFileReloader;

import java.nio.file.Path;

/**
 * Loads {@code acl.yaml} into an {@link AclGuard} at start-up and reloads it when it changes (polled, see
 * {@link ConfigFileReloader}).
 *
 * <ul>
 *   <li>No file at start-up: everything is allowed (and a warning says so). A file that appears later is loaded.</li>
 *   <li>A broken file at start-up: {@link #loadInitial} throws; the hub must not start.</li>
 *   <li>A broken edit: the rules in force stay, {@link #status()} carries the error.</li>
 *   <li>A deleted file: the rules in force stay (deleting the file does not open the broker).</li>
 *   <li>Connected clients are never dropped; their next publish or subscribe is judged by the new rules.
 *       Subscriptions granted earlier are not re-checked.</li>
 * </ul>
 */
public final class AclReloader extends ConfigFileReloader<AclRules, AclException> {

    /**
     * @param file  the ACL file ({@code config/acl.yaml}); need not exist
     * @param guard receives every newly loaded rule set, the first one included
     */
    public AclReloader(Path file, AclGuard guard) {
        super("ACL", file, AclRules::load, AclRules::allowAll, guard::install, AclReloader::describe);
        afterPoll(guard::flushAudit);
    }

    private static String describe(AclRules rules) {
        return rules.size() == 0 && rules.defaultAllows() ? "no rules: every client may publish and subscribe anywhere"
                : rules.size() + " rules, default " + (rules.defaultAllows() ? "allow" : "deny");
    }
}
