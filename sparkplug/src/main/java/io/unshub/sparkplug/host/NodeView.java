package io.unshub.sparkplug.host;

import java.util.List;

/**
 * A consistent snapshot of one edge node for the REST API, taken on the node's serial queue.
 *
 * @param group               group id
 * @param node                edge node id
 * @param status              ONLINE, OFFLINE or UNKNOWN
 * @param bdSeq               bdSeq of the current (or last) birth, {@code null} if none
 * @param lastSeq             seq of the last message applied, -1 before any
 * @param clientId            the MQTT client that published the current birth
 * @param onlineSinceMs       payload timestamp of the current birth, 0 if never born
 * @param offlineSinceMs      host time of the death, 0 if not dead
 * @param messages            messages received for this node
 * @param seqGaps             gaps in its seq numbering
 * @param rebirthsRequested   rebirth requests sent to it
 * @param rebirthReasons      the latest reasons, newest last
 * @param unknownMetrics      DATA metrics its births did not declare
 * @param decodeErrors        payloads that did not decode
 * @param duplicateConnections births or data from a second connection while online
 * @param lastDuplicateClient the other client id seen last, or {@code null}
 * @param staleDeathsIgnored  NDEATHs ignored (old bdSeq, old connection, already offline)
 * @param metrics             node metrics
 * @param devices             devices
 */
public record NodeView(
        String group, String node, NodeStatus status, Long bdSeq, int lastSeq, String clientId,
        long onlineSinceMs, long offlineSinceMs, long messages, long seqGaps, long rebirthsRequested,
        List<RebirthRecord> rebirthReasons, long unknownMetrics, long decodeErrors, long duplicateConnections,
        String lastDuplicateClient, long staleDeathsIgnored, List<MetricView> metrics, List<DeviceView> devices) {

    /** One device with its metrics. */
    public record DeviceView(String device, NodeStatus status, long onlineSinceMs, long offlineSinceMs,
                             List<MetricView> metrics) {
    }

    /** One metric with its last value. */
    public record MetricView(String name, String alias, String datatype, Object value, long timestampMs,
                             String quality, String unit, String topic) {
    }

    /** Why and when a rebirth was requested. */
    public record RebirthRecord(long atMs, String reason) {
    }

    /** The list form: no metrics. */
    public record Summary(String group, String node, NodeStatus status, Long bdSeq, String clientId,
                          int devices, int devicesOnline, int metrics, long rebirthsRequested) {
    }
}
