package io.unshub.sparkplug.host;

import io.unshub.sparkplug.mapping.MetricTopics;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;

/**
 * What the host knows of one born metric: its birth (name, alias, datatype, properties), where it is projected,
 * and its last value. Owned by the serial queue of its edge node.
 */
final class MetricState {

    final Metric birth;
    final String name;
    final Long alias;
    final DataType datatype;
    final String unit;
    final MetricTopics topics;
    Object value;
    boolean isNull;
    long timestamp;
    String quality;

    MetricState(Metric birth, String unit, MetricTopics topics, long timestamp) {
        this.birth = birth;
        this.name = birth.name();
        this.alias = birth.alias();
        this.datatype = birth.datatype();
        this.unit = unit;
        this.topics = topics;
        this.timestamp = timestamp;
    }
}
