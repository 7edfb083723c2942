package io.unshub.hub.sparkplug;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Connected clients of the running hub's broker (Paho MQTT 3.1.1, HiveMQ MQTT 5, Tahu edges) that a test opens and
 * {@link #closeAll()} closes after it, so a failed assertion leaves no connection behind for the next test. Used by
 * one test thread at a time (JUnit's).
 */
final class HubClients {

    private final IntSupplier port;
    private final List<AutoCloseable> open = new ArrayList<>();

    /** {@code port} is asked at each connect: the broker is injected after the test instance is built. */
    HubClients(IntSupplier port) {
        this.port = port;
    }

    /** A Paho client connected with MQTT 3.1.1. */
    MqttClient paho311(String clientId) throws Exception {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + port.getAsInt(), clientId, new MemoryPersistence());
        track(() -> {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        c.connect(o);
        return c;
    }

    /** A HiveMQ client connected with MQTT 5 and a clean start. */
    Mqtt5BlockingClient v5(String clientId) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(port.getAsInt()).buildBlocking();
        c.connect();
        track(() -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
        return c;
    }

    /** A connected Tahu edge node (its will is the NDEATH with {@code bdSeq}). */
    TahuEdge edge(String clientId, String group, String node, long bdSeq) throws Exception {
        return track(new TahuEdge(port.getAsInt(), clientId, group, node, bdSeq));
    }

    <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    /** Closes everything opened since the last call, in opening order; what is already gone is skipped. */
    void closeAll() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already gone (killed edges, clients the test disconnected)
            }
        }
        open.clear();
    }
}
