package io.unshub.bench.load;

import io.unshub.bench.load.ResultRow.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opens many connections that then sit idle: measures how long the broker takes to accept them all and how much
 * resident memory it holds per connection. Attempts are limited to a number in flight at once, like a fleet of
 * devices reconnecting, rather than one burst that only measures the listen backlog.
 */
final class IdleConnectionsRun {

    private final BenchOptions options;
    private final ResourceSampler sampler;
    private volatile boolean tearingDown;

    IdleConnectionsRun(BenchOptions options, ResourceSampler sampler) {
        this.options = options;
        this.sampler = sampler;
    }

    ResultRow run() throws InterruptedException {
        String clientPrefix = options.clientPrefix();
        BenchClients clients = new BenchClients(options.host, options.port, options.mqttVersion,
                options.keepAliveSeconds, () -> tearingDown);
        List<BenchClient> connected = new ArrayList<>(options.connections);
        LongAdder failures = new LongAdder();
        Semaphore attemptsInFlight = new Semaphore(options.connectConcurrency);
        CountDownLatch attemptsFinished = new CountDownLatch(options.connections);

        ResourceSampler.Snapshot start = sampler.sample();
        for (int i = 0; i < options.connections; i++) {
            if (!attemptsInFlight.tryAcquire(options.connectTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("no connection attempt finished within "
                        + options.connectTimeout.toSeconds() + " s after " + connected.size() + " connections");
            }
            BenchClient client = clients.create(clientPrefix + "-idle-" + i);
            client.connect().whenComplete((connAck, error) -> {
                if (error == null) {
                    synchronized (connected) {
                        connected.add(client);
                    }
                } else {
                    failures.increment();
                }
                attemptsInFlight.release();
                attemptsFinished.countDown();
            });
        }
        if (!attemptsFinished.await(options.connectTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
            System.err.println("warning: " + attemptsFinished.getCount() + " connection attempts still pending");
        }
        long allConnectedAt = System.nanoTime();
        int connectedCount;
        synchronized (connected) {
            connectedCount = connected.size();
        }

        // A fixed hold, not a wait for a condition: lets the broker settle (GC, lazily allocated buffers) so the
        // RSS sample reflects steady-state idle connections.
        Thread.sleep(options.idleHold);
        ResourceSampler.Snapshot end = sampler.sample();
        long errors = failures.sum() + clients.unexpectedDisconnects();

        tearingDown = true;
        List<BenchClient> toDisconnect;
        synchronized (connected) {
            toDisconnect = List.copyOf(connected);
        }
        Futures.awaitAllQuietly(toDisconnect, BenchClient::disconnect, options.connectTimeout, "disconnecting");

        double connectSeconds = (allConnectedAt - start.nanoTime()) / 1e9;
        ResultRow row = new ResultRow()
                .set(Column.CONNECTIONS, connectedCount)
                .set(Column.CONNECT_MS, connectSeconds * 1e3)
                .set(Column.CONNECTS_PER_S, connectedCount / connectSeconds)
                .set(Column.ERRORS, errors);
        sampler.describePhase(row, start, end, 0);
        if (options.hasBrokerPid() && connectedCount > 0) {
            row.set(Column.BROKER_RSS_KB_PER_CONN,
                    (double) (end.brokerRssKib() - start.brokerRssKib()) / connectedCount);
        }
        return row;
    }
}
