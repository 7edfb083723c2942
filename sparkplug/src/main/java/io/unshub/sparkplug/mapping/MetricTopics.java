package io.unshub.sparkplug.mapping;

/**
 * Where one metric lives in the namespace.
 *
 * @param value   the retained JSON value
 * @param meta    the retained birth metadata, or {@code null} when the model has no metadata class
 * @param command where writes are accepted, or {@code null} when the model has no command class
 */
public record MetricTopics(String value, String meta, String command) {

    /** A metric that is not projected: no value, no metadata, no command topic. */
    public static final MetricTopics NONE = new MetricTopics(null, null, null);
}
