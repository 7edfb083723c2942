package io.unshub.historian.ingest;

/**
 * A snapshot of the ingest for health and metrics.
 *
 * @param stored          messages committed to the raw log since start
 * @param values          decoded values committed since start
 * @param dropped         messages the bus queue refused because the historian was behind (counted, never silent)
 * @param lostOnStop      messages of a batch abandoned at shutdown because the store kept failing
 * @param queued          messages waiting in the bus queue
 * @param pending         messages in the batch not yet committed
 * @param commits         successful commits
 * @param failures        failed commit attempts (each is retried)
 * @param failing         whether the last commit attempt failed
 * @param lastError       the last commit failure, or {@code null}
 * @param lastDropAtMillis wall-clock time of the last observed drop, 0 if none
 * @param lastSequence    the sequence number of the newest committed message (-1 when the log is empty)
 */
public record IngestStatus(long stored, long values, long dropped, long lostOnStop, long queued, long pending,
                           long commits, long failures, boolean failing, String lastError, long lastDropAtMillis,
                           long lastSequence) {
}
