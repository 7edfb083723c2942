package io.unshub.bench.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop publisher: it keeps at most {@code window} messages in flight, where a message stops being in flight
 * once every subscriber meant to receive it has received it (or a later message from this publisher, which means the
 * broker dropped it: MQTT keeps one publisher's messages on one topic in order). Counting receipts instead of PUBACKs
 * works the same for QoS 0, which has no acknowledgement, and keeps the generator from overrunning a broker that
 * accepts messages faster than it delivers them.
 *
 * <p>There is no publishing thread: {@link #pump()} sends until the window is full and is called again from the
 * subscriber callbacks whenever receipts free up room.
 */
final class WindowedPublisher {

    private final int index;
    private final BenchClient.PublishStream stream;
    private final int payloadSize;
    private final int window;
    private final int receiversPerMessage;

    /** Messages handed to the client; also the sequence number of the next message. */
    private final AtomicLong sent = new AtomicLong();
    /** Sum over subscribers of how far each one's receipts advanced this publisher's sequence. */
    private final AtomicLong receiptUnits = new AtomicLong();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean running = true;

    WindowedPublisher(int index, BenchClient.PublishStream stream, int payloadSize, int window,
                      int receiversPerMessage) {
        this.index = index;
        this.stream = stream;
        this.payloadSize = payloadSize;
        this.window = window;
        this.receiversPerMessage = receiversPerMessage;
    }

    long sent() {
        return sent.get();
    }

    /** Messages that every intended subscriber has received or that the broker evidently dropped. */
    long completed() {
        return receiptUnits.get() / receiversPerMessage;
    }

    long inFlight() {
        return sent.get() - completed();
    }

    /** Sends until the window is full. Safe to call from any thread; concurrent callers never exceed the window. */
    void pump() {
        while (true) {
            if (!running) {
                if (inFlight() <= 0) {
                    drained.complete(null);
                }
                return;
            }
            long sequence = sent.get();
            if (sequence - completed() >= window) {
                return;
            }
            if (sent.compareAndSet(sequence, sequence + 1)) {
                stream.send(BenchPayload.encode(payloadSize, System.nanoTime(), index, sequence));
            }
        }
    }

    /** Called by a subscriber whose latest sequence from this publisher moved forward by {@code advance}. */
    void onReceiptsAdvanced(long advance) {
        receiptUnits.addAndGet(advance);
        pump();
    }

    /** Stops sending; the returned future completes once nothing is in flight any more. */
    CompletableFuture<Void> stop() {
        running = false;
        pump();
        return drained;
    }

    /** Ends the publish stream; call after {@link #stop()} and before disconnecting. */
    void close() {
        stream.close();
    }
}
