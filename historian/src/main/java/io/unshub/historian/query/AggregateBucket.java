package io.unshub.historian.query;

/**
 * One bucket of an aggregate.
 *
 * @param topic       the topic
 * @param startMillis the bucket's start
 * @param value       the aggregate ({@code count} as a number too)
 * @param count       values in the bucket
 */
public record AggregateBucket(String topic, long startMillis, double value, long count) {
}
