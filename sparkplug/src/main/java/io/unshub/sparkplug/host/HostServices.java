package io.unshub.sparkplug.host;

import io.unshub.core.log.RateLimitedLog;
import io.unshub.sparkplug.codec.SparkplugDecoder;
import io.unshub.sparkplug.command.CommandIndex;
import io.unshub.sparkplug.mapping.UnsProjector;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

/** What every edge node's state machine shares: settings, codec, projection, counters, timers. Thread-safe parts only. */
final class HostServices {

    final HostConfig config;
    final SparkplugDecoder decoder;
    final UnsProjector projector;
    final CommandIndex commands;
    final HostCounters counters;
    final ScheduledExecutorService scheduler;
    final Clock clock;
    final RateLimitedLog log;
    private final Predicate<NodeKey> rebirthSender;

    HostServices(HostConfig config, SparkplugDecoder decoder, UnsProjector projector, CommandIndex commands,
                 HostCounters counters, ScheduledExecutorService scheduler, Clock clock, RateLimitedLog log,
                 Predicate<NodeKey> rebirthSender) {
        this.config = config;
        this.decoder = decoder;
        this.projector = projector;
        this.commands = commands;
        this.counters = counters;
        this.scheduler = scheduler;
        this.clock = clock;
        this.log = log;
        this.rebirthSender = rebirthSender;
    }

    /** Publishes {@code Node Control/Rebirth = true} to the node; false when it could not be sent. */
    boolean sendRebirth(NodeKey node) {
        return rebirthSender.test(node);
    }
}
