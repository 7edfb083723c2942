package io.unshub.sparkplug.host;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The embedded host application's settings (uns-hub maps {@code uns.sparkplug.*} onto it).
 *
 * @param hostId                   the Sparkplug host id: STATE lives on {@code spBv1.0/STATE/<hostId>}
 * @param primary                  publish STATE (the primary host role) and send automatic rebirth requests
 * @param reorderTimeoutMillis     how long an out-of-order message waits for the missing ones; 0 = request a
 *                                 rebirth on any gap at once
 * @param rebirthOnGap             request a rebirth when a seq gap is not filled in time
 * @param rebirthOnUnknownMetric   request a rebirth on a name or alias the birth did not declare
 * @param rebirthOnDataBeforeBirth request a rebirth on DBIRTH/DATA/DDEATH of a node (or device) without birth
 * @param rebirthOnMalformed       request a rebirth when a payload does not decode
 * @param rebirthThrottleMillis    the least time between two rebirth requests to one node; doubled (up to 16x)
 *                                 while the node keeps needing them
 * @param queueCapacity            the bound of the host's bus queue for {@code spBv1.0/#}
 * @param commandByName            address command metrics by name even when the birth gave an alias (the
 *                                 specification wants the alias; some edges only resolve names)
 * @param stateFile                where the last STATE timestamp is kept so it never goes backwards, or
 *                                 {@code null} to keep it in memory only
 * @param projectNodeControl       also project the node's protocol metrics ({@code bdSeq}, {@code Node Control/*})
 *                                 into the namespace; they stay in the node view either way
 */
public record HostConfig(
        String hostId,
        boolean primary,
        long reorderTimeoutMillis,
        boolean rebirthOnGap,
        boolean rebirthOnUnknownMetric,
        boolean rebirthOnDataBeforeBirth,
        boolean rebirthOnMalformed,
        long rebirthThrottleMillis,
        int queueCapacity,
        boolean commandByName,
        Path stateFile,
        boolean projectNodeControl) {

    /** Without projecting the node's protocol metrics (the default). */
    public HostConfig(String hostId, boolean primary, long reorderTimeoutMillis, boolean rebirthOnGap,
                      boolean rebirthOnUnknownMetric, boolean rebirthOnDataBeforeBirth, boolean rebirthOnMalformed,
                      long rebirthThrottleMillis, int queueCapacity, boolean commandByName, Path stateFile) {
        this(hostId, primary, reorderTimeoutMillis, rebirthOnGap, rebirthOnUnknownMetric, rebirthOnDataBeforeBirth,
                rebirthOnMalformed, rebirthThrottleMillis, queueCapacity, commandByName, stateFile, false);
    }

    public HostConfig {
        Objects.requireNonNull(hostId, "hostId");
        if (hostId.isEmpty() || hostId.contains("/") || hostId.contains("+") || hostId.contains("#")) {
            throw new IllegalArgumentException("host id '" + hostId + "' must be a non-empty topic level without / + #");
        }
        if (reorderTimeoutMillis < 0 || rebirthThrottleMillis < 0) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be positive");
        }
    }

    /** The defaults of the digest (§4.6) for a primary host named {@code hostId}. */
    public static HostConfig defaults(String hostId) {
        return new HostConfig(hostId, true, 5000, true, true, true, false, 5000, 65_536, false, null);
    }
}
