package io.unshub.broker.badinput;

import io.unshub.broker.testing.RawMqttClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.unshub.broker.badinput.Packets.topicOf;
import static io.unshub.broker.badinput.Packets.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A well-behaved MQTT 5 client, connected to the same broker as a misbehaving one, subscribed at QoS 0. It
 * checks what reached it by publishing a marker to itself: the marker follows everything routed to it
 * before, so whatever arrives ahead of the marker is what the other clients' traffic delivered.
 */
final class Bystander implements AutoCloseable {

    static final String CLIENT_ID = "bystander";

    private final RawMqttClient client;
    private int markers;

    private Bystander(RawMqttClient client) {
        this.client = client;
    }

    /** Connects as {@value #CLIENT_ID} and subscribes to {@code filter}, which must match "observer/marker/n". */
    static Bystander subscribe(int port, String filter) throws IOException {
        RawMqttClient client = new RawMqttClient(port);
        try {
            client.connect(5, CLIENT_ID);
            client.send(Packets.subscribe(5, 1, null, utf8(filter), 0));
            RawMqttClient.Packet subAck = client.read();
            assertThat(subAck).as("SUBACK for the bystander").isNotNull();
            assertThat(subAck.type()).as("SUBACK for the bystander: %s", subAck).isEqualTo(9);
            assertThat(subAck.body()[subAck.body().length - 1]).as("granted QoS 0").isZero();
        } catch (IOException | RuntimeException | Error e) {
            client.close();
            throw e;
        }
        return new Bystander(client);
    }

    /**
     * Publishes a marker and returns the topics of the PUBLISHes that arrived before it. Fails if the bystander was
     * disconnected or got anything but PUBLISHes.
     */
    List<String> topicsReceivedBeforeMarker() throws IOException {
        String marker = "observer/marker/" + ++markers;
        client.send(Packets.publish(5, 0, marker, 0, null, utf8("marker")));
        List<String> topics = new ArrayList<>();
        while (true) {
            RawMqttClient.Packet packet = client.read();
            assertThat(packet).as("the bystander must stay connected").isNotNull();
            assertThat(packet.type()).as("the bystander must only receive PUBLISHes, got %s", packet).isEqualTo(3);
            String topic = topicOf(packet);
            if (topic.equals(marker)) {
                return topics;
            }
            topics.add(topic);
        }
    }

    /** The bystander is still connected and received nothing. */
    void assertReceivedNothing() throws IOException {
        assertThat(topicsReceivedBeforeMarker()).as("messages the bystander received").isEmpty();
    }

    @Override
    public void close() throws IOException {
        try {
            client.send(Packets.disconnect());
        } catch (IOException ignored) {
            // already closed: nothing to say goodbye to
        }
        client.close();
    }
}
