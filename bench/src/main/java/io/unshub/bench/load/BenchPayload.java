package io.unshub.bench.load;

import java.nio.ByteBuffer;

/**
 * Layout of a benchmark message: the send time and origin travel inside the payload, so the subscriber (in the same
 * JVM, hence the same {@link System#nanoTime()} clock) can measure end-to-end latency and per-publisher progress
 * without any shared lookup table.
 *
 * <pre>
 * offset 0  long  System.nanoTime() when the publisher handed the message to the client
 * offset 8  int   publisher index within the scenario
 * offset 12 long  per-publisher sequence number, starting at 0
 * offset 20 ...   zero padding up to the configured payload size
 * </pre>
 */
final class BenchPayload {

    static final int HEADER_BYTES = 20;

    private BenchPayload() {
    }

    static byte[] encode(int payloadSize, long sendNanos, int publisherIndex, long sequence) {
        byte[] payload = new byte[payloadSize];
        ByteBuffer.wrap(payload).putLong(sendNanos).putInt(publisherIndex).putLong(sequence);
        return payload;
    }

    static long sendNanos(ByteBuffer payload) {
        return payload.getLong(payload.position());
    }

    static int publisherIndex(ByteBuffer payload) {
        return payload.getInt(payload.position() + 8);
    }

    static long sequence(ByteBuffer payload) {
        return payload.getLong(payload.position() + 12);
    }

    static boolean isBenchPayload(ByteBuffer payload) {
        return payload.remaining() >= HEADER_BYTES;
    }
}
