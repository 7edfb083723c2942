package io.unshub.sparkplug.topic;

import java.util.Objects;

/** A parsed Sparkplug B 3.0 topic: an edge node/device topic or a host STATE topic. */
public sealed interface SparkplugTopic {

    /** The namespace token of Sparkplug B (the only one the hub speaks). */
    String NAMESPACE = "spBv1.0";
    /** The prefix under which a Sparkplug Aware server makes births available (digest §5.2). */
    String CERTIFICATES_PREFIX = "$sparkplug/certificates/";

    /** The MQTT topic string. */
    String topic();

    /**
     * {@code spBv1.0/<groupId>/<type>/<edgeNodeId>[/<deviceId>]}.
     *
     * @param deviceId {@code null} for node-level verbs, non-null for device-level verbs
     */
    record EdgeTopic(String groupId, MessageType type, String edgeNodeId, String deviceId) implements SparkplugTopic {

        public EdgeTopic {
            Objects.requireNonNull(type, "type");
            requireId("group id", groupId);
            requireId("edge node id", edgeNodeId);
            if (type.isDeviceLevel()) {
                requireId("device id", deviceId);
            } else if (deviceId != null) {
                throw new IllegalArgumentException(type + " topics have no device id");
            }
            if ("STATE".equals(groupId)) {
                throw new IllegalArgumentException("STATE cannot be a group id");
            }
        }

        public static EdgeTopic node(String groupId, MessageType type, String edgeNodeId) {
            return new EdgeTopic(groupId, type, edgeNodeId, null);
        }

        public static EdgeTopic device(String groupId, MessageType type, String edgeNodeId, String deviceId) {
            return new EdgeTopic(groupId, type, edgeNodeId, deviceId);
        }

        @Override
        public String topic() {
            String node = NAMESPACE + '/' + groupId + '/' + type.name() + '/' + edgeNodeId;
            return deviceId == null ? node : node + '/' + deviceId;
        }

        /** The Sparkplug Aware certificate topic of a birth: {@code $sparkplug/certificates/} + this topic. */
        public String certificateTopic() {
            if (!type.isBirth()) {
                throw new IllegalStateException("only NBIRTH and DBIRTH have certificate topics, not " + type);
            }
            return CERTIFICATES_PREFIX + topic();
        }

        /** The same node (and device) with another verb of the same level, e.g. NBIRTH to NCMD. */
        public EdgeTopic withType(MessageType newType) {
            return new EdgeTopic(groupId, newType, edgeNodeId, newType.isDeviceLevel() ? deviceId : null);
        }
    }

    /** {@code spBv1.0/STATE/<hostId>}: a host application's birth/death (JSON, never protobuf). */
    record StateTopic(String hostId) implements SparkplugTopic {

        public StateTopic {
            requireId("host id", hostId);
        }

        @Override
        public String topic() {
            return NAMESPACE + "/STATE/" + hostId;
        }
    }

    private static void requireId(String what, String id) {
        String problem = SparkplugTopicParser.idProblem(id);
        if (problem != null) {
            throw new IllegalArgumentException(what + " " + problem);
        }
    }
}
