package io.unshub.historian.query;

/**
 * What the external query server has done so far, for health and metrics.
 *
 * @param url                 the server queried
 * @param requests            queries sent
 * @param unreachable         queries that got no answer (refused, timed out, connection lost)
 * @param errors              queries the server answered with an error
 * @param lastQueryOk         whether the newest query succeeded, {@code null} before the first
 * @param lastSuccessAtMillis when a query last succeeded (0 never)
 * @param lastError           the last failure's reason, or {@code null}
 * @param lastLatencyMillis   how long the last query took, answered or not (-1 before the first)
 */
public record ExternalQueryStatus(String url, long requests, long unreachable, long errors, Boolean lastQueryOk,
                                  long lastSuccessAtMillis, String lastError, long lastLatencyMillis) {
}
