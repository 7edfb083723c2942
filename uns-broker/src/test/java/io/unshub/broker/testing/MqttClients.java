package io.unshub.broker.testing;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * Creates third-party MQTT clients (HiveMQ 3/5, Paho 3/5) and raw clients pointed at a {@link BrokerFixture},
 * and closes whatever is left of them after each test, so a failing assertion does not leak connections
 * or client threads into the next test. Register it with {@code @RegisterExtension} <em>after</em> the
 * fixture: JUnit runs "after" callbacks in reverse order, so clients go before the broker stops.
 */
public final class MqttClients implements AfterEachCallback {

    private final BrokerFixture fixture;
    private final List<AutoCloseable> cleanups = new CopyOnWriteArrayList<>();

    public MqttClients(BrokerFixture fixture) {
        this.fixture = fixture;
    }

    /** An unconnected HiveMQ MQTT 5 client; {@code id} null means no identifier (the broker assigns one). */
    public Mqtt5BlockingClient v5(String id) {
        return v5(id, UnaryOperator.identity());
    }

    public Mqtt5BlockingClient v5(String id, UnaryOperator<Mqtt5ClientBuilder> customizer) {
        Mqtt5ClientBuilder builder = Mqtt5Client.builder().serverHost("127.0.0.1").serverPort(fixture.port());
        if (id != null) {
            builder = builder.identifier(id);
        }
        Mqtt5BlockingClient client = customizer.apply(builder).buildBlocking();
        cleanups.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    /** A connected HiveMQ MQTT 5 client with a clean start. */
    public Mqtt5BlockingClient connectedV5(String id) {
        Mqtt5BlockingClient client = v5(id);
        client.connect();
        return client;
    }

    /** An unconnected HiveMQ MQTT 3.1.1 client; {@code id} null means an empty client identifier. */
    public Mqtt3BlockingClient v3(String id) {
        Mqtt3ClientBuilder builder = Mqtt3Client.builder().serverHost("127.0.0.1").serverPort(fixture.port());
        if (id != null) {
            builder = builder.identifier(id);
        }
        Mqtt3BlockingClient client = builder.buildBlocking();
        cleanups.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    public Mqtt3BlockingClient connectedV3(String id) {
        Mqtt3BlockingClient client = v3(id);
        client.connect();
        return client;
    }

    /** An unconnected Eclipse Paho MQTT 3.1/3.1.1 client. */
    public org.eclipse.paho.client.mqttv3.MqttClient paho3(String id) throws Exception {
        var client = new org.eclipse.paho.client.mqttv3.MqttClient(fixture.tcpUri(), id, new MemoryPersistence());
        // Paho's blocking calls wait for ever by default; a test must fail, not hang, when the broker hangs up.
        client.setTimeToWait(30_000);
        cleanups.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 500);
            }
            client.close(true);
        });
        return client;
    }

    /** An unconnected Eclipse Paho MQTT 5 client. */
    public org.eclipse.paho.mqttv5.client.MqttClient paho5(String id) throws Exception {
        var client = new org.eclipse.paho.mqttv5.client.MqttClient(fixture.tcpUri(), id,
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        cleanups.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 500, false);
            }
            client.close(true);
        });
        return client;
    }

    /** A raw byte-level client, not yet connected at the MQTT level. */
    public RawMqttClient raw() throws IOException {
        RawMqttClient client = new RawMqttClient(fixture.port());
        cleanups.add(client);
        return client;
    }

    /** Closes something else at the end of the test. */
    public <T extends AutoCloseable> T track(T closeable) {
        cleanups.add(closeable);
        return closeable;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<AutoCloseable> all = new ArrayList<>(cleanups);
        cleanups.clear();
        for (AutoCloseable cleanup : all.reversed()) {
            try {
                cleanup.close();
            } catch (Exception | AssertionError ignored) {
                // best effort: the client may already be gone
            }
        }
    }
}
