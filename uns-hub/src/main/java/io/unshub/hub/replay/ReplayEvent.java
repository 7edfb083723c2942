package io.unshub.hub.replay;


/**
 * The data of one replay Server-Sent Event: the original message as it entered the bus. {@link SseEventWriter}
 * writes this shape by hand (it is the documented schema, not serialized per event).
 *
 * @param payload  the payload as text when it is valid UTF-8, else base64 ({@code encoding} says which)
 * @param encoding {@code utf-8} or {@code base64}
 */
public record ReplayEvent(long sequence, long timestamp_ms, String topic, int qos, boolean retain, String publisher,
                          String payload, String encoding) {

    /**
     * The last event of a stream ({@code event: end}): how the replay ended, so that a client (an EventSource
     * reconnects on its own otherwise) knows to stop.
     */
    public record End(String state, long replayed, long last_sequence, String detail) {
    }
}
