package io.unshub.broker.transport;

/**
 * A packet that must end the connection, found by {@link MqttPacketGuard} before Netty's decoder sees
 * it. Travels down the pipeline as a message so the connection handler answers with the right CONNACK
 * or DISCONNECT reason code.
 *
 * @param reasonCode    the MQTT 5 reason code
 * @param detail        what was wrong, for the log and the reason string
 * @param silent        close without answering (e.g. a first packet that is not CONNECT [MQTT-3.1.0-1])
 * @param protocolLevel the protocol level the CONNECT announced, even an unsupported one, or {@link #UNKNOWN_LEVEL}
 */
public record ProtocolViolation(int reasonCode, String detail, boolean silent, int protocolLevel) {

    /** The CONNECT did not (yet) show its protocol level. */
    public static final int UNKNOWN_LEVEL = -1;
}
