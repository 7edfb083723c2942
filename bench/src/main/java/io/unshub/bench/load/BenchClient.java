package io.unshub.bench.load;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The few MQTT operations the generator needs, so scenarios do not care whether they speak MQTT 3.1.1 or 5.
 * Every operation is asynchronous: scenarios drive hundreds of connections from a handful of threads.
 */
interface BenchClient {

    /** A stream of messages to one topic, opened once per publisher so that sending costs no per-message setup. */
    interface PublishStream {

        /** Queues a message; safe to call from any thread. */
        void send(byte[] payload);

        /** Ends the stream once queued messages are out; later {@link #send} calls are ignored. */
        void close();
    }

    CompletableFuture<?> connect();

    /**
     * Subscribes with a callback that receives each message's payload. The callback runs on the client's network
     * thread, one message at a time and in order, so it must be quick and may keep unsynchronised state.
     */
    CompletableFuture<?> subscribe(String topicFilter, int qos, Consumer<ByteBuffer> onPayload);

    /**
     * Opens a publish stream; needs a connected client.
     *
     * @param onFailure called for each message the client could not send or the broker refused
     */
    PublishStream openPublishStream(String topic, int qos, Runnable onFailure);

    CompletableFuture<?> disconnect();
}
