package io.unshub.historian.query;

/**
 * What to read from the raw log: messages whose topic matches {@code filter} (an MQTT topic filter),
 * received in [{@code fromMillis}, {@code toMillis}), with a sequence number greater than
 * {@code afterSequence} (the paging cursor / SSE Last-Event-ID; -1 for none), at most {@code limit}.
 */
public record HistoryRange(String filter, long fromMillis, long toMillis, long afterSequence, int limit) {
}
