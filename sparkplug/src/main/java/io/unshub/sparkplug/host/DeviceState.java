package io.unshub.sparkplug.host;

/** One device of an edge node: its status and the metrics of its last DBIRTH. Owned by the node's serial queue. */
final class DeviceState {

    final String id;
    NodeStatus status = NodeStatus.UNKNOWN;
    MetricTable metrics = new MetricTable();
    long onlineSinceMs;
    long offlineSinceMs;

    DeviceState(String id) {
        this.id = id;
    }
}
