package io.unshub.hub.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.historian.replay.ReplayRun;
import io.unshub.historian.replay.ReplaySink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.Locale;

/**
 * Replays into a Server-Sent Events response written by hand: events are formatted into a chunk
 * ({@link SseEventWriter}) and written when it is full or when the replay pauses ({@link #flush()}: a due time
 * ahead, the next page of the store, the end), so a paced replay sends each event on time and a replay at speed
 * 0 sends a few large writes instead of one per event. The response's write queue bounds what is in flight: when
 * it is full the engine waits, and the drain handler wakes it.
 *
 * <p>Threading: {@link #emit}, {@link #flush} and {@link #finished} run on the replay's worker, one at a time,
 * and own the writer; the response's close, exception and drain handlers run on its event loop and only set the
 * volatile flag and wake or cancel the run.
 */
final class SseStream implements ReplaySink {

    /** Bytes per write at speed 0: large enough that a write costs little per event. */
    static final int CHUNK = 64 * 1024;
    /** Bytes the response may queue before the engine waits for the client. */
    static final int WRITE_QUEUE = 1024 * 1024;

    private final HttpServerResponse response;
    private final ObjectMapper json;
    private final SseEventWriter writer = new SseEventWriter(CHUNK + 4096);
    private volatile ReplayRun run;
    private volatile boolean gone;

    SseStream(HttpServerResponse response, ObjectMapper json) {
        this.response = response;
        this.json = json;
        response.setChunked(true);
        response.putHeader("Content-Type", "text/event-stream");
        response.putHeader("Cache-Control", "no-cache");
        response.setWriteQueueMaxSize(WRITE_QUEUE);
        response.closeHandler(ignored -> leave());
        response.exceptionHandler(ignored -> leave());
        response.drainHandler(ignored -> {
            ReplayRun current = run;
            if (current != null) {
                current.wake();
            }
        });
    }

    /** The run writing into this stream (the headers go out with its first events). */
    void attach(ReplayRun started) {
        this.run = started;
        if (gone) {
            started.cancel();
        }
    }

    /** Whether the client is gone (its connection closed or a write failed). */
    boolean gone() {
        return gone || response.closed();
    }

    private void leave() {
        gone = true;
        ReplayRun current = run;
        if (current != null) {
            current.cancel();
        }
    }

    @Override
    public boolean ready() {
        return gone() || !response.writeQueueFull();
    }

    @Override
    public boolean emit(HistoryRecord record) {
        if (gone()) {
            return false;
        }
        writer.record(record);
        if (writer.size() >= CHUNK) {
            flush();
        }
        return true;
    }

    @Override
    public void flush() {
        if (writer.size() == 0 || gone()) {
            return;
        }
        int size = writer.size();
        response.write(Buffer.buffer(Unpooled.wrappedBuffer(writer.take(), 0, size)), written -> {
            if (written.failed()) {
                leave();
            }
        });
    }

    @Override
    public void finished(ReplayRun ended) {
        if (gone()) {
            if (!response.closed()) {
                response.close();
            }
            return;
        }
        ReplayEvent.End end = new ReplayEvent.End(ended.state().name().toLowerCase(Locale.ROOT),
                ended.emitted(), ended.lastSequence(), ended.failure());
        writer.raw("event: end\ndata: " + write(end) + "\n\n");
        int size = writer.size();
        try {
            response.end(Buffer.buffer(Unpooled.wrappedBuffer(writer.take(), 0, size)));
        } catch (IllegalStateException e) {
            gone = true; // closed between the check and the write: nobody is left to tell
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a replay end event as JSON", e);
        }
    }
}
