package io.unshub.opcua.connection;

import io.unshub.opcua.config.ConnectionConfig.Reconnect;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: initial, doubled per failed attempt up to the maximum, each delay spread
 * by +-jitter so many connections that lost the same network do not retry in lockstep. Used by the
 * connection's worker thread only.
 */
public final class Backoff {

    private final Reconnect config;
    private long current;

    public Backoff(Reconnect config) {
        this.config = config;
        this.current = config.initialMs();
    }

    /** The delay before the next attempt, in milliseconds; each call doubles the base for the following one. */
    public long next() {
        long base = current;
        current = Math.min(config.maxMs(), current * 2);
        double spread = config.jitter() * base;
        long delay = Math.round(base + (spread == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-spread, spread)));
        return Math.max(1, delay);
    }

    public void reset() {
        current = config.initialMs();
    }
}
