package io.unshub.hub.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.historian.replay.ReplayRun;
import io.unshub.historian.replay.ReplaySink;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replays into a Server-Sent Events stream: one event per record, {@code id} = its sequence number (so
 * {@code Last-Event-ID} resumes after it), {@code data} = {@link ReplayEvent} as JSON; then one {@code end}
 * event, and the stream is closed. At most {@link #WINDOW} events are being written at a time; the engine waits
 * for the rest.
 *
 * <p>Threading: {@link #emit} and {@link #finished} run on the replay's worker; write completions arrive on the
 * HTTP event loop and only touch the atomic counter and volatile flags.
 */
final class SseSink implements ReplaySink {

    static final int WINDOW = 256;

    private final SseEventSink events;
    private final Sse sse;
    private final ObjectMapper json;
    private final AtomicInteger writing = new AtomicInteger();
    private volatile ReplayRun run;
    private volatile boolean waiting;
    private volatile boolean broken;

    SseSink(SseEventSink events, Sse sse, ObjectMapper json) {
        this.events = events;
        this.sse = sse;
        this.json = json;
    }

    void attach(ReplayRun run) {
        this.run = run;
    }

    /** Whether the client is gone (its connection closed or a write failed). */
    boolean gone() {
        return broken || events.isClosed();
    }

    @Override
    public boolean ready() {
        if (gone() || writing.get() < WINDOW) {
            return true;
        }
        waiting = true;
        return false;
    }

    @Override
    public boolean emit(HistoryRecord record) {
        if (gone()) {
            return false;
        }
        OutboundSseEvent event = sse.newEventBuilder().id(Long.toString(record.sequence()))
                .data(write(ReplayEvent.of(record))).build();
        writing.incrementAndGet();
        events.send(event).whenComplete((ignored, error) -> {
            int left = writing.decrementAndGet();
            if (error != null) {
                broken = true;
            }
            if (waiting && (left < WINDOW / 2 || error != null)) {
                waiting = false;
                ReplayRun current = run;
                if (current != null) {
                    current.wake();
                }
            }
        });
        return true;
    }

    @Override
    public void finished(ReplayRun ended) {
        if (gone()) {
            events.close();
            return;
        }
        ReplayEvent.End end = new ReplayEvent.End(ended.state().name().toLowerCase(java.util.Locale.ROOT),
                ended.emitted(), ended.lastSequence(), ended.failure());
        events.send(sse.newEventBuilder().name("end").data(write(end)).build())
                .whenComplete((ignored, error) -> events.close());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a replay event as JSON", e);
        }
    }
}
