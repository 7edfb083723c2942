package io.unshub.sparkplug.host;

import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.UnsMessage;
import io.unshub.sparkplug.codec.StatePayload;
import io.unshub.sparkplug.mapping.UnsProjector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

/**
 * The host's STATE birth and death on {@code spBv1.0/STATE/<hostId>} (QoS 1, retained, exactly the keys
 * {@code online} and {@code timestamp}). The host is in-process, so there is no CONNECT and no Will: the birth is
 * published at start with a timestamp that never goes backwards ({@code max(now, last + 1)}, kept in a file
 * across restarts, digest §4.7 and pitfall P15), the death on a clean stop with the current time. After a crash
 * the retained online STATE stays until the next start replaces it with a newer one; the broker died with the host,
 * so no edge saw the host online while it was not.
 *
 * <p>Threading: {@link #start}/{@link #stop} on the lifecycle thread, {@link #onOwnState} on the host's
 * dispatcher; the timestamp and the shutting-down flag are volatile.
 */
final class StatePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(StatePublisher.class);

    private final UnsBus bus;
    private final String topic;
    private final Path stateFile;
    private final Clock clock;
    private volatile long timestamp;
    private volatile boolean online;

    StatePublisher(UnsBus bus, String hostId, Path stateFile, Clock clock) {
        this.bus = bus;
        this.topic = "spBv1.0/STATE/" + hostId;
        this.stateFile = stateFile;
        this.clock = clock;
    }

    String topic() {
        return topic;
    }

    long timestamp() {
        return timestamp;
    }

    boolean online() {
        return online;
    }

    /** tck-id-host-topic-phid-birth-*: the birth, with a timestamp newer than any this host used before. */
    void start() {
        timestamp = Math.max(clock.millis(), lastTimestamp() + 1);
        remember(timestamp);
        online = true;
        publish(true, timestamp);
    }

    /**
     * tck-id-message-flow-hid-sparkplug-state-message-delivered: someone published offline for us while we are
     * up; re-assert the birth with the current timestamp. Our own death (during stop) is not answered.
     */
    void onOwnState(UnsMessage message) {
        if (!online || message.origin().equals(UnsProjector.ORIGIN)) {
            return;
        }
        boolean offline = message.payload().length == 0
                || StatePayload.parse(message.payload()) instanceof StatePayload.Parse.Valid v && !v.state().online();
        if (offline) {
            LOG.warn("'{}' published an offline STATE (or cleared it) for this host on {}: online re-asserted",
                    message.origin().id(), topic);
            publish(true, timestamp);
        }
    }

    /** tck-id-operational-behavior-host-application-death-*: offline with the current time, at least the birth's. */
    void stop() {
        if (!online) {
            return;
        }
        online = false;
        long now = Math.max(clock.millis(), timestamp);
        remember(now);
        publish(false, now);
    }

    private void publish(boolean isOnline, long ts) {
        byte[] json = (isOnline ? StatePayload.online(ts) : StatePayload.offline(ts)).toJson();
        PublishOutcome outcome = bus.publish(UnsMessage.of(topic, json, 1, true, MessageProperties.NONE, UnsProjector.ORIGIN));
        if (!outcome.accepted()) {
            LOG.error("The hub refused the Sparkplug STATE on {}: {}", topic, outcome);
        }
    }

    private long lastTimestamp() {
        if (stateFile == null || !Files.exists(stateFile)) {
            return 0;
        }
        try {
            return Long.parseLong(Files.readString(stateFile, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Cannot read the last STATE timestamp from {} ({}); using the clock", stateFile, e.toString());
            return 0;
        }
    }

    private void remember(long ts) {
        if (stateFile == null) {
            return;
        }
        try {
            Files.createDirectories(stateFile.toAbsolutePath().getParent());
            Path temp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.writeString(temp, Long.toString(ts), StandardCharsets.UTF_8);
            Files.move(temp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Cannot keep the STATE timestamp in {}: {}", stateFile, e.toString());
        }
    }
}
