package io.unshub.historian.export;

/**
 * The export's counters.
 *
 * @param submitted       lines handed to the client
 * @param written         lines the server acknowledged
 * @param failed          writes (batches) given up after the retries
 * @param dropped         lines dropped because the buffer was full
 * @param retries         retried writes
 * @param pending         lines submitted but neither acknowledged nor dropped (the lag, in lines; lines of a
 *                        given-up batch stay in it, so a growing value means the server is not taking data)
 * @param lastWriteAtMillis when the server last acknowledged a write (0 never)
 * @param lastError       the last write error, or {@code null}
 */
public record ExportStatus(long submitted, long written, long failed, long dropped, long retries, long pending,
                           long lastWriteAtMillis, String lastError) {
}
