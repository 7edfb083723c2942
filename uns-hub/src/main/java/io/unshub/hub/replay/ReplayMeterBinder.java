package io.unshub.hub.replay;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.unshub.historian.replay.ReplayEngine;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Exposes the replay engine to Prometheus, read when scraped. */
@Singleton
public class ReplayMeterBinder implements MeterBinder {

    @Inject
    ReplayRuntime runtime;

    @Override
    public void bindTo(MeterRegistry registry) {
        ReplayEngine engine = runtime.engine();
        Gauge.builder("uns_replay_active", engine, ReplayEngine::active)
                .description("Replays running now, across SSE, MQTT sessions and $replay subscriptions").register(registry);
        FunctionCounter.builder("uns_replay_started", engine, ReplayEngine::started)
                .description("Replays started").register(registry);
        FunctionCounter.builder("uns_replay_refused", engine, ReplayEngine::refused)
                .description("Replays refused because the most allowed were running").register(registry);
        FunctionCounter.builder("uns_replay_messages", engine, ReplayEngine::replayed)
                .description("Messages sent by replays").register(registry);
    }
}
