package io.unshub.namespace.check;

/**
 * Every rule a message can break, with the id reported to publishers, metrics and logs, and the MQTT 5
 * reason code it earns: 0x90 (Topic Name invalid) for the topic's shape, 0x83 (Implementation specific
 * error) for a payload that breaks its class's contract.
 */
public enum Rule {
    TOPIC_TOO_LONG("UNS-E100", "topic-too-long", 0x90),
    TOO_MANY_SEGMENTS("UNS-E101", "too-many-segments", 0x90),
    ROOT("UNS-E102", "root", 0x90),
    SEGMENT_PATTERN("UNS-E103", "segment-pattern", 0x90),
    LEVEL_VALUE("UNS-E104", "level-value", 0x90),
    NOT_IN_TREE("UNS-E105", "not-in-tree", 0x90),
    CLASS_MISSING("UNS-E106", "class-missing", 0x90),
    CLASS_UNKNOWN("UNS-E107", "class-unknown", 0x90),
    LEVEL_REQUIRED("UNS-E108", "level-required", 0x90),
    TAG_PATH_DEPTH("UNS-E109", "tag-path-depth", 0x90),
    TAG_PATH_PATTERN("UNS-E110", "tag-path-pattern", 0x90),
    PAYLOAD_TOO_LARGE("UNS-E201", "payload-too-large", 0x83),
    PAYLOAD_FORMAT("UNS-E202", "payload-format", 0x83),
    PAYLOAD_SCHEMA("UNS-E203", "payload-schema", 0x83);

    private static final Rule[] VALUES = values();

    private final String id;
    private final String ruleName;
    private final int reasonCode;

    Rule(String id, String ruleName, int reasonCode) {
        this.id = id;
        this.ruleName = ruleName;
        this.reasonCode = reasonCode;
    }

    /** Stable id, e.g. {@code UNS-E104}. */
    public String id() {
        return id;
    }

    /** Stable short name, e.g. {@code level-value}. */
    public String ruleName() {
        return ruleName;
    }

    public int reasonCode() {
        return reasonCode;
    }

    static Rule byOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
