package io.unshub.namespace.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRec;
import io.unshub.broker.Broker;
import io.unshub.broker.BrokerExtensions;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.live.LiveNamespace;
import io.unshub.namespace.load.ModelException;
import io.unshub.namespace.load.ModelLoader;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real broker on loopback (ephemeral ports) with the namespace plugged in exactly as the hub wires it
 * ({@code BrokerLifecycle} / {@code NamespaceRuntime}): the enforcer as publish guard and strict-subscription
 * policy, the live namespace as publish tap, and the violation reporter attached to the bus. Plus real
 * clients (HiveMQ MQTT 5 / 3.1.1, Eclipse Paho 3.1.1) that are closed after each test, before the broker.
 *
 * <p>{@code BrokerFixture} from the broker's test-jar only starts a broker with a subscription policy, not
 * with {@link BrokerExtensions}, so the broker is started here; its base configuration is reused.
 */
@ExtendWith(NoLeaks.class)
abstract class AbstractNamespaceIT {

    /** How long something that should happen may take. */
    static final Duration WAIT = Duration.ofSeconds(5);
    /** How long we listen to conclude that nothing arrives, where no marker can prove it. */
    static final Duration QUIET = Duration.ofMillis(300);

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A closed ISA-95 tree: enterprise acme, sites dallas and monterrey, areas press and assembly, lines and
     * cells; classes {@code _edge} (built-in {@code uns-value} contract), {@code _raw} (anything) and
     * {@code _mes} (a custom JSON Schema). {@code %s} is the {@code onViolation} mapping.
     */
    static final String MODEL = """
            apiVersion: uns-hub/v1
            kind: NamespaceModel
            metadata:
              name: acme-it
              revision: it-1
            spec:
              levels:
                - { name: enterprise, required: true, values: [acme] }
                - { name: site, required: true, values: [dallas, monterrey] }
                - { name: area, required: true, values: [press, assembly] }
                - { name: line }
                - { name: cell }
              tree:
                acme:
                  dallas:
                    press: { line1: [cell1, cell2], line2: [cell1] }
                    assembly: { line1: [cell1] }
                  monterrey:
                    press: { line1: [cell1] }
                    assembly: { line3: [cell4] }
              classes:
                _edge: { payload: uns-value }
                _raw: { payload: any }
                _mes: { payload: work-order }
              payloads:
                work-order:
                  format: json
                  schema:
                    type: object
                    required: [order, quantity]
                    properties:
                      order: { type: string, pattern: "^wo-[0-9]+$" }
                      quantity: { type: integer, minimum: 1 }
                    additionalProperties: false
              onViolation: %s
            """;

    /** Topics the model accepts. */
    static final String EDGE_TOPIC = "acme/dallas/press/line1/cell1/_edge/temperature";
    static final String MES_TOPIC = "acme/dallas/assembly/line1/_mes/work-order";
    static final String RAW_TOPIC = "acme/monterrey/assembly/_raw/blob";
    /** A site the tree does not list: UNS-E105 not-in-tree, 0x90. */
    static final String BERLIN_TOPIC = "acme/berlin/press/line1/_edge/temperature";
    /** A class the model does not define: UNS-E107 class-unknown, 0x90. */
    static final String UNKNOWN_CLASS_TOPIC = "acme/dallas/press/line1/_foo/x";

    Broker broker;
    NamespaceEnforcer enforcer;
    ViolationReporter reporter;
    LiveNamespace live;

    private final List<AutoCloseable> cleanups = new CopyOnWriteArrayList<>();

    /** The test model with an {@code onViolation} mapping, e.g. {@code {mqtt311: disconnect}}. */
    static String model(String onViolation) {
        return MODEL.formatted(onViolation);
    }

    static CompiledNamespace compile(String yaml) {
        try {
            return CompiledNamespace.compile(ModelLoader.parse(yaml, "it-model.yaml"));
        } catch (ModelException e) {
            throw new AssertionError("the test model does not load: " + e.getMessage(), e);
        }
    }

    /** Starts the hub's broker with the default violation policy. */
    Broker startHub() {
        return startHub(model("{}"));
    }

    /** Starts a broker enforcing {@code yaml}, wired like the hub does it. */
    Broker startHub(String yaml) {
        stopBroker();
        reporter = new ViolationReporter();
        enforcer = new NamespaceEnforcer(compile(yaml), reporter);
        live = new LiveNamespace(topic -> enforcer.current().classify(topic) >= 0, 10_000);
        broker = new Broker(BrokerFixture.baseConfig(),
                new BrokerExtensions((clientId, filter) -> enforcer.checkSubscription(filter), enforcer, live));
        reporter.attach(broker.bus());
        enforcer.retainedLookup(topic -> broker.retained().get(topic) != null);
        broker.start();
        return broker;
    }

    @AfterEach
    void closeClientsThenBroker() {
        List<AutoCloseable> all = new ArrayList<>(cleanups);
        cleanups.clear();
        for (AutoCloseable cleanup : all.reversed()) {
            try {
                cleanup.close();
            } catch (Exception | AssertionError ignored) {
                // best effort: the client may already be gone
            }
        }
        stopBroker();
    }

    private void stopBroker() {
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }

    // ------------------------------------------------------------------ clients

    /** Closes {@code closeable} after the test, before the broker stops. */
    <T extends AutoCloseable> T track(T closeable) {
        cleanups.add(closeable);
        return closeable;
    }

    Mqtt5BlockingClient v5(String id, UnaryOperator<Mqtt5ClientBuilder> customizer) {
        Mqtt5ClientBuilder builder = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.tcpPort());
        Mqtt5BlockingClient client = customizer.apply(builder).buildBlocking();
        cleanups.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    Mqtt5BlockingClient connectedV5(String id) {
        Mqtt5BlockingClient client = v5(id, UnaryOperator.identity());
        client.connect();
        return client;
    }

    Mqtt3BlockingClient connectedV3(String id) {
        Mqtt3BlockingClient client = Mqtt3Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.tcpPort()).buildBlocking();
        cleanups.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        client.connect();
        return client;
    }

    /** An Eclipse Paho MQTT 3.1.1 client, connected with a clean session and no automatic reconnect. */
    MqttClient connectedPaho3(String id, org.eclipse.paho.client.mqttv3.MqttCallback callback) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.tcpPort(), id, new MemoryPersistence());
        cleanups.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 500);
            }
            client.close(true);
        });
        if (callback != null) {
            client.setCallback(callback);
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        client.setTimeToWait(WAIT.toMillis());
        client.connect(options);
        return client;
    }

    /** A connected MQTT 5 client subscribed (QoS 2) to {@code filters}, and the queue of what it receives. */
    Mqtt5BlockingClient.Mqtt5Publishes subscriber(String id, String... filters) {
        Mqtt5BlockingClient client = connectedV5(id);
        Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL);
        cleanups.add(publishes);
        for (String filter : filters) {
            client.subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).send();
        }
        return publishes;
    }

    // ------------------------------------------------------------------ acknowledgements

    /** The PUBACK of a QoS 1 publish, whether the client reports a failure code as an error or not. */
    static Mqtt5PubAck pubAck(Mqtt5BlockingClient client, String topic, byte[] payload, boolean retain)
            throws Exception {
        return pubAck(client.toAsync().publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain)
                .payload(payload).send());
    }

    static Mqtt5PubAck pubAck(CompletableFuture<Mqtt5PublishResult> sent) throws Exception {
        try {
            Mqtt5PublishResult result = sent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (result.getError().orElse(null) instanceof Mqtt5PubAckException e) {
                return e.getMqttMessage();
            }
            assertThat(result.getError()).as("publish error").isEmpty();
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5PubAckException pubAckException) {
                return pubAckException.getMqttMessage();
            }
            throw e;
        }
    }

    /** The PUBREC of a QoS 2 publish, whether the client reports a failure code as an error or not. */
    static Mqtt5PubRec pubRec(Mqtt5BlockingClient client, String topic, byte[] payload, boolean retain)
            throws Exception {
        CompletableFuture<Mqtt5PublishResult> sent = client.toAsync().publishWith().topic(topic)
                .qos(MqttQos.EXACTLY_ONCE).retain(retain).payload(payload).send();
        try {
            Mqtt5PublishResult result = sent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (result.getError().orElse(null) instanceof Mqtt5PubRecException e) {
                return e.getMqttMessage();
            }
            assertThat(result.getError()).as("publish error").isEmpty();
            return ((Mqtt5PublishResult.Mqtt5Qos2Result) result).getPubRec();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5PubRecException pubRecException) {
                return pubRecException.getMqttMessage();
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ receiving

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    /** A payload keeping the built-in {@code uns-value} contract. */
    static byte[] value(Object value) {
        return utf8("{\"value\": " + value + ", \"timestamp_ms\": 1732000000000, \"quality\": \"good\"}");
    }

    static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> received = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).as("a message within %s", WAIT).isPresent();
        return received.get();
    }

    static void nothingMore(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> received = publishes.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received.map(p -> p.getTopic() + " " + text(p))).as("no further message").isEmpty();
    }

    /**
     * Everything received before the first message on {@code markerTopic} (which must arrive within
     * {@link #WAIT}). Messages from one publisher arrive in order, so a message published before the marker
     * and not in this list was not delivered at all.
     */
    static List<Mqtt5Publish> receivedBefore(Mqtt5BlockingClient.Mqtt5Publishes publishes, String markerTopic)
            throws InterruptedException {
        List<Mqtt5Publish> before = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Optional<Mqtt5Publish> received = publishes.receive(Math.max(1, left), TimeUnit.NANOSECONDS);
            assertThat(received).as("marker %s within %s (received before: %s)", markerTopic, WAIT,
                    before.stream().map(p -> p.getTopic().toString()).toList()).isPresent();
            if (received.get().getTopic().toString().equals(markerTopic)) {
                return before;
            }
            before.add(received.get());
        }
    }

    static List<String> topics(List<Mqtt5Publish> publishes) {
        return publishes.stream().map(p -> p.getTopic().toString()).toList();
    }

    static JsonNode json(Mqtt5Publish publish) throws java.io.IOException {
        return JSON.readTree(publish.getPayloadAsBytes());
    }
}
