package io.unshub.opcua.config;

/**
 * A command topic mapped to a node: messages on {@code topic} are written to {@code nodeId} as {@code dataType}.
 *
 * @param readBack          read the node after a good write and report whether it holds the written value
 * @param readBackTimeoutMs how long the read-back may take
 */
public record WriteConfig(String topic, String nodeId, WriteType dataType, boolean readBack, long readBackTimeoutMs) {

    /** The built-in types a command value can be written as. */
    public enum WriteType {
        Boolean, SByte, Byte, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float, Double, String, DateTime, ByteString
    }
}
