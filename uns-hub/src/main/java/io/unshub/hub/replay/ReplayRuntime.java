package io.unshub.hub.replay;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.unshub.core.bus.UnsBus;
import io.unshub.historian.query.HistoryReader;
import io.unshub.historian.replay.ReplayEngine;
import io.unshub.historian.replay.ReplayRun;
import io.unshub.hub.security.SecurityRuntime;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Replay as the hub runs it: one {@link ReplayEngine} over the historian's {@link HistoryReader}, its steps on
 * virtual threads and its pacing on one timer thread, behind the three doors (SSE, REST sessions published on
 * {@code $replay/<id>/}, MQTT 5 {@code $replay/<filter>} subscriptions). Starts after the historian (priority 25)
 * and stops before it. Once a second it cancels replays whose receiver has gone (a closed SSE stream, a client
 * that left), so that a replay waiting hours for its next record does not hold a slot.
 *
 * <p>Thread-safe: the watched set is concurrent; the engine and sessions are thread-safe themselves.
 */
@Singleton
public class ReplayRuntime {

    private static final Logger LOG = Logger.getLogger(ReplayRuntime.class);
    /** Replays running at once across every door. */
    static final int MAX_ACTIVE = 64;

    private record Watched(ReplayRun run, BooleanSupplier gone) {
    }

    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("replay-", 0).factory());
    private final ScheduledThreadPoolExecutor timers;
    private final ReplayEngine engine;
    private final ReplaySessions sessions;
    private final ReplaySubscriptions subscriptions;
    private final ReplayHook hook;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();

    ReplayRuntime(HistoryReader reader, UnsBus bus, SecurityRuntime security, ReplayHook hook) {
        this.hook = hook;
        this.timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "replay-timers");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        this.engine = new ReplayEngine(reader, workers, timers, ReplayEngine.DEFAULT_PAGE_SIZE,
                ReplayEngine.DEFAULT_FAST_PAGE_SIZE, MAX_ACTIVE);
        this.sessions = new ReplaySessions(bus, engine, timers);
        this.subscriptions = new ReplaySubscriptions(engine, sessions, security.acl(), this::watch);
    }

    void onStart(@Observes @Priority(25) StartupEvent event) {
        hook.serveWith(subscriptions);
        timers.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    void onStop(@Observes @Priority(Integer.MAX_VALUE - 25) ShutdownEvent event) {
        hook.serveWith(null);
        sessions.cancelAll();
        watched.forEach(w -> w.run().cancel());
        timers.shutdownNow();
        workers.shutdownNow();
    }

    public ReplayEngine engine() {
        return engine;
    }

    ReplaySessions sessions() {
        return sessions;
    }

    /** Cancels {@code run} at the next sweep after {@code gone} turns true. */
    void watch(ReplayRun run, BooleanSupplier gone) {
        watched.add(new Watched(run, gone));
    }

    private void sweep() {
        try {
            for (Watched w : watched) {
                if (w.run().finished()) {
                    watched.remove(w);
                } else if (w.gone().getAsBoolean()) {
                    w.run().cancel();
                }
            }
            for (ReplaySession session : sessions.all()) {
                if (!session.finished() && session.abandoned()) {
                    session.abandon();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("replay sweep failed", e); // the timer must keep running
        }
    }
}
