package io.unshub.historian.query;

/**
 * Reads the raw message log in sequence order: the one read path behind the REST history pages and
 * every replay door (Server-Sent Events, MQTT replay sessions). Implementations are safe to call from
 * any thread and never block the bus.
 */
public interface HistoryReader {

    /**
     * The messages of {@code range}, ascending by sequence number, at most {@code range.limit()} of them.
     *
     * @throws HistoryException when the store cannot answer (the message says why)
     */
    java.util.List<HistoryRecord> read(HistoryRange range) throws HistoryException;
}
