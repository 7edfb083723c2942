package io.unshub.historian.export;

import java.time.Duration;

/**
 * Where and how decoded values are exported.
 *
 * @param url           the server, e.g. http://influx:8086 (InfluxDB 2.x/3.x) or http://questdb:9000
 * @param token         API token (empty for none; {@code user:password} for InfluxDB 1.8)
 * @param org           organisation (ignored by QuestDB and InfluxDB 3)
 * @param bucket        bucket (InfluxDB 2.x) or database (InfluxDB 3)
 * @param batchSize     lines per HTTP write
 * @param flushInterval longest wait before a partial batch is written
 * @param bufferLimit   lines held while the server is slow or away; beyond it the oldest are dropped and counted
 * @param maxRetries    retries of a failed write, with exponential back-off
 * @param maxRetryDelay the longest back-off between retries
 */
public record ExportSettings(String url, String token, String org, String bucket, int batchSize,
                             Duration flushInterval, int bufferLimit, int maxRetries, Duration maxRetryDelay) {
}
