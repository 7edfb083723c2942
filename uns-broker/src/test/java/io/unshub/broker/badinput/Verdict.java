package io.unshub.broker.badinput;

import io.unshub.broker.testing.RawMqttClient;

import java.io.IOException;
import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the broker must do to a client that sent something bad: answer with a CONNACK or DISCONNECT carrying a
 * reason code and close, or close without answering.
 *
 * @param packetType     2 (CONNACK), 14 (DISCONNECT) or -1 for no answer at all
 * @param reasonCode     the CONNACK return code / reason code or DISCONNECT reason code
 * @param mqtt5Format    for a CONNACK: true for the MQTT 5 format (with properties, at least 3 bytes of body), false
 *                       for the MQTT 3.1.1 format (exactly 2 bytes)
 */
record Verdict(int packetType, int reasonCode, boolean mqtt5Format) {

    static Verdict disconnect(int reasonCode) {
        return new Verdict(14, reasonCode, true);
    }

    /** An MQTT 5 CONNACK refusing the connection. */
    static Verdict connack(int reasonCode) {
        return new Verdict(2, reasonCode, true);
    }

    /** A CONNACK in the MQTT 3.1.1 format (two bytes of body) refusing the connection. */
    static Verdict connackV3(int returnCode) {
        return new Verdict(2, returnCode, false);
    }

    static Verdict closedWithoutResponse() {
        return new Verdict(-1, 0, false);
    }

    /** After CONNECT: MQTT 5 gets a DISCONNECT with the reason code, MQTT 3.1.1 has no DISCONNECT from the server. */
    static Verdict afterConnect(int level, int v5ReasonCode) {
        return level == 5 ? disconnect(v5ReasonCode) : closedWithoutResponse();
    }

    /**
     * A bad CONNECT: MQTT 5 gets a CONNACK with the reason code; MQTT 3.1.1 is closed without a CONNACK, as
     * [MQTT-3.1.4-1] (3.1.1) requires for a CONNECT that does not conform.
     */
    static Verdict onConnect(int level, int v5ReasonCode) {
        return level == 5 ? connack(v5ReasonCode) : closedWithoutResponse();
    }

    /** Reads the broker's answer and checks it, then checks the broker closed the connection. */
    void verify(RawMqttClient client) throws IOException {
        RawMqttClient.Packet answer = readOrEndOfStream(client);
        if (packetType < 0) {
            assertThat(answer).as("the broker must close the connection without answering").isNull();
            return;
        }
        assertThat(answer).as("expected %s, but the broker closed the connection without it", this).isNotNull();
        assertThat(answer.type()).as("packet type of %s (expected %s)", answer, this).isEqualTo(packetType);
        assertThat(hex(answer.reasonCode())).as("reason code of %s", answer).isEqualTo(hex(reasonCode));
        if (packetType == 2) {
            assertThat(answer.body()[0]).as("session present must be 0 on a refusal [MQTT-3.2.2-6]").isZero();
            if (mqtt5Format) {
                assertThat(answer.body().length).as("CONNACK body length in the MQTT 5 format").isGreaterThanOrEqualTo(3);
            } else {
                assertThat(answer.body()).as("CONNACK body length in the MQTT 3.1.1 format").hasSize(2);
            }
        }
        assertThat(client.isClosedByBroker()).as("the broker must close the connection after %s", this).isTrue();
    }

    static RawMqttClient.Packet readOrEndOfStream(RawMqttClient client) throws IOException {
        try {
            return client.read();
        } catch (SocketException e) {
            return null; // reset by peer: closed without (readable) answer
        }
    }

    static String hex(int code) {
        return String.format("0x%02X", code);
    }

    @Override
    public String toString() {
        return switch (packetType) {
            case 2 -> "CONNACK " + hex(reasonCode) + (mqtt5Format ? "" : " (3.1.1 format)");
            case 14 -> "DISCONNECT " + hex(reasonCode);
            default -> "closed without response";
        };
    }
}
