package io.unshub.sparkplug.host;

import io.unshub.sparkplug.model.DataType;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics one birth declared (of the node itself or of one device), by name and by alias. Replaced as a
 * whole by every birth: aliases are only valid for the birth that defined them. Owned by the node's serial queue.
 */
final class MetricTable {

    final Map<String, MetricState> byName = new LinkedHashMap<>();
    final Map<Long, MetricState> byAlias = new HashMap<>();

    /** Adds a born metric; returns false when its alias is already taken in this table. */
    boolean add(MetricState metric) {
        byName.put(metric.name, metric);
        return metric.alias == null || byAlias.putIfAbsent(metric.alias, metric) == null;
    }

    MetricState resolve(String name, Long alias) {
        if (name != null) {
            return byName.get(name);
        }
        return alias == null ? null : byAlias.get(alias);
    }

    DataType datatypeOf(String name, Long alias) {
        MetricState m = resolve(name, alias);
        return m == null ? null : m.datatype;
    }
}
