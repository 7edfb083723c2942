package io.unshub.broker.limits;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.session.Session;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.RawPackets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbound in-flight cap ({@code uns.mqtt.max-inflight-out}): a client that does not acknowledge gets at most
 * that many QoS 1/2 messages, or fewer when its MQTT 5 receive maximum says so; the rest waits in its session
 * queue and goes out as acknowledgements come in.
 */
@ExtendWith(NoLeaks.class)
class InflightCapIT {

    private static final int CAP = 5;
    private static final int MESSAGES = 20;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(300);

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture()
            .configure(c -> c.withClientLimits(ClientLimits.UNLIMITED.withMaxInflightOut(CAP)));
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private void publish(String topic, int count) {
        Mqtt5BlockingClient publisher = clients.connectedV5("inflight-pub-" + topic.hashCode());
        for (int i = 0; i < count; i++) {
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
        }
    }

    private Session routedAll(String clientId) {
        Session session = fixture.broker().sessions().get(clientId);
        await().atMost(WAIT).until(() -> session.inflightCount() + session.queuedCount() == MESSAGES);
        return session;
    }

    @Test
    @DisplayName("a client that does not acknowledge gets the broker's cap of messages; the rest is queued")
    void theBrokerCapHoldsAClientWithoutReceiveMaximum() throws Exception {
        RawMqttClient slow = clients.raw();
        slow.connect(4, "no-acks"); // MQTT 3.1.1: no receive maximum, 65,535 in MQTT 5 terms
        slow.send(RawPackets.subscribe(4, 1, null, "cap/t", 1));
        slow.expect(RawPackets.SUBACK, WAIT);

        publish("cap/t", MESSAGES);
        Session session = routedAll("no-acks");
        assertThat(session.inflightCount()).isEqualTo(CAP);
        assertThat(session.queuedCount()).isEqualTo(MESSAGES - CAP);

        List<Integer> packetIds = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            RawMqttClient.Packet publish = slow.expect(RawPackets.PUBLISH, WAIT);
            packetIds.add(packetId(publish));
        }
        assertThat(slow.poll(QUIET)).as("nothing beyond the cap").isEmpty();

        slow.send(RawPackets.ack(RawPackets.PUBACK, packetIds.getFirst()));
        assertThat(slow.expect(RawPackets.PUBLISH, WAIT)).as("one acknowledgement lets one more out").isNotNull();
        assertThat(slow.poll(QUIET)).isEmpty();
        assertThat(session.inflightCount()).isEqualTo(CAP);
    }

    @Test
    @DisplayName("a smaller MQTT 5 receive maximum wins over the broker's cap")
    void aSmallerReceiveMaximumWins() {
        Mqtt5BlockingClient client = clients.v5("receive-3");
        var publishes = client.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, true); // acknowledged by hand: never
        client.connectWith().restrictions().receiveMaximum(3).applyRestrictions().send();
        client.subscribeWith().topicFilter("cap/r").qos(MqttQos.AT_LEAST_ONCE).send();

        publish("cap/r", MESSAGES);
        Session session = routedAll("receive-3");
        assertThat(session.inflightCount()).isEqualTo(3);
        assertThat(session.queuedCount()).isEqualTo(MESSAGES - 3);
        publishes.close();
    }

    private static int packetId(RawMqttClient.Packet publish) {
        byte[] body = publish.body();
        int topicLength = (body[0] & 0xFF) << 8 | body[1] & 0xFF;
        return (body[2 + topicLength] & 0xFF) << 8 | body[3 + topicLength] & 0xFF;
    }
}
