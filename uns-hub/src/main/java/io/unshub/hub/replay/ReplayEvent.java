package io.unshub.hub.replay;

import io.unshub.historian.query.HistoryRecord;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The data of one replay Server-Sent Event: the original message as it entered the bus.
 *
 * @param payload  the payload as text when it is valid UTF-8, else base64 ({@code encoding} says which)
 * @param encoding {@code utf-8} or {@code base64}
 */
public record ReplayEvent(long sequence, long timestamp_ms, String topic, int qos, boolean retain, String publisher,
                          String payload, String encoding) {

    static ReplayEvent of(HistoryRecord record) {
        byte[] bytes = record.payload();
        String text = utf8OrNull(bytes);
        return new ReplayEvent(record.sequence(), record.receivedAtMillis(), record.topic(), record.qos(),
                record.retain(), record.publisher(), text != null ? text : Base64.getEncoder().encodeToString(bytes),
                text != null ? "utf-8" : "base64");
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The last event of a stream ({@code event: end}): how the replay ended, so that a client (an EventSource
     * reconnects on its own otherwise) knows to stop.
     */
    public record End(String state, long replayed, long last_sequence, String detail) {
    }
}
