package io.unshub.hub.durability;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The issue's kill test: the packaged hub on RocksDB, publishers at full speed at QoS 1 and QoS 2 towards
 * persistent subscribers, SIGKILL at a random moment, restart on the same data directory, several times.
 * Every message a publisher saw acknowledged reaches its subscriber (QoS 1 at least once, QoS 2 exactly
 * once), the retained message is intact and session expiry resumes where it was.
 */
class DurabilityKillIT {

    private static final int KILLS = 3;
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final int port = freePort();
    private Process hub;

    @Test
    void nothingAcknowledgedIsLostAcrossKills() throws Exception {
        Set<String> ackedQos1 = ConcurrentHashMap.newKeySet();
        Set<String> ackedQos2 = ConcurrentHashMap.newKeySet();
        Set<String> receivedQos1 = ConcurrentHashMap.newKeySet();
        Map<String, Integer> receivedQos2 = new ConcurrentHashMap<>();
        AtomicLong sequence = new AtomicLong();
        try {
            startHub();
            Mqtt5AsyncClient sub1 = subscriber("kill-sub-1", "kill/q1/#", MqttQos.AT_LEAST_ONCE,
                    p -> receivedQos1.add(text(p)));
            Mqtt5AsyncClient sub2 = subscriber("kill-sub-2", "kill/q2/#", MqttQos.EXACTLY_ONCE,
                    p -> receivedQos2.merge(text(p), 1, Integer::sum));

            Mqtt5BlockingClient setup = blocking("kill-setup");
            setup.connect();
            setup.publishWith().topic("kill/retained").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                    .payload("kept".getBytes(StandardCharsets.UTF_8)).send();
            setup.disconnect();
            persistentSession("kill-expiring", 1);
            persistentSession("kill-lasting", 600);

            for (int kill = 0; kill < KILLS; kill++) {
                AtomicBoolean running = new AtomicBoolean(true);
                CountDownLatch done = new CountDownLatch(2);
                publisher("kill-pub-1-" + kill, "kill/q1/t", MqttQos.AT_LEAST_ONCE, ackedQos1, sequence, running, done);
                publisher("kill-pub-2-" + kill, "kill/q2/t", MqttQos.EXACTLY_ONCE, ackedQos2, sequence, running, done);
                int enough = 200 * (kill + 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> ackedQos1.size() + ackedQos2.size() > enough);
                // A random moment while the publishers run flat out.
                TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(50, 500));
                hub.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                running.set(false);
                assertThat(done.await(15, TimeUnit.SECONDS)).as("publishers stop").isTrue();
                startHub();
            }

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> receivedQos1.containsAll(ackedQos1) && receivedQos2.keySet().containsAll(ackedQos2));
            System.out.printf("DurabilityKillIT: %d kills, %d QoS 1 and %d QoS 2 messages acknowledged, %d and %d received%n",
                    KILLS, ackedQos1.size(), ackedQos2.size(), receivedQos1.size(), receivedQos2.size());
            assertThat(ackedQos1).hasSizeGreaterThan(200);
            assertThat(ackedQos2).hasSizeGreaterThan(200);
            assertThat(receivedQos2.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("QoS 2 messages delivered more than once").isEmpty();

            Mqtt5BlockingClient check = blocking("kill-check");
            check.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes retained = check.publishes(MqttGlobalPublishFilter.ALL)) {
                check.subscribeWith().topicFilter("kill/retained").qos(MqttQos.AT_LEAST_ONCE).send();
                Optional<Mqtt5Publish> value = retained.receive(10, TimeUnit.SECONDS);
                assertThat(value).isPresent();
                assertThat(text(value.get())).isEqualTo("kept");
            }
            check.disconnect();
            assertThat(sessionPresent("kill-expiring", 1)).as("a 1 s session expired across the kills").isFalse();
            assertThat(sessionPresent("kill-lasting", 600)).as("a 600 s session survives the kills").isTrue();
            sub1.disconnect();
            sub2.disconnect();
        } finally {
            if (hub != null) {
                hub.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void startHub() throws Exception {
        Process process = new ProcessBuilder(List.of(javaBinary(), "-Duns.mqtt.port=" + port, "-Duns.mqtt.ws-port=0",
                "-Duns.mqtt.host=127.0.0.1", "-Dquarkus.http.port=0", "-Duns.namespace.enforce=false",
                "-Duns.mqtt.sys-interval=0", "-Duns.mqtt.persistence=rocksdb", "-Duns.mqtt.durability=group-commit",
                "-Duns.config-dir=" + dir.resolve("config"), "-Duns.data-dir=" + dir.resolve("data"),
                "-jar", System.getProperty("uns.hub.jar")))
                .redirectErrorStream(true).start();
        hub = process;
        CountDownLatch up = new CountDownLatch(1);
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains("Broker store:") || line.contains("Recovered")) {
                        System.out.println("hub: " + line);
                    }
                    if (line.contains("UNS hub broker") && line.contains(" up")) {
                        up.countDown();
                    }
                }
            } catch (IOException e) {
                // the hub was killed
            }
        }, "hub-output");
        reader.setDaemon(true);
        reader.start();
        if (!up.await(START.toSeconds(), TimeUnit.SECONDS)) {
            synchronized (output) {
                throw new AssertionError("the hub did not start:\n" + output);
            }
        }
    }

    private Mqtt5BlockingClient blocking(String id) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port).buildBlocking();
    }

    private void persistentSession(String id, long expirySeconds) {
        Mqtt5BlockingClient client = blocking(id);
        client.connectWith().cleanStart(false).sessionExpiryInterval(expirySeconds).send();
        client.disconnect();
    }

    private boolean sessionPresent(String id, long expirySeconds) {
        Mqtt5BlockingClient client = blocking(id);
        boolean present = client.connectWith().cleanStart(false).sessionExpiryInterval(expirySeconds).send()
                .isSessionPresent();
        client.disconnect();
        return present;
    }

    /** A persistent subscriber that reconnects by itself (keeping its client-side session) after each kill. */
    private Mqtt5AsyncClient subscriber(String id, String filter, MqttQos qos,
                                        java.util.function.Consumer<Mqtt5Publish> received) {
        Mqtt5AsyncClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port)
                .automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS).maxDelay(500, TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect().buildAsync();
        client.publishes(MqttGlobalPublishFilter.ALL, received);
        client.connectWith().cleanStart(false).sessionExpiryInterval(600).send().join();
        client.subscribeWith().topicFilter(filter).qos(qos).send().join();
        return client;
    }

    /** Publishes flat out (up to 500 unacknowledged) until told to stop or the hub goes away. */
    private void publisher(String id, String topic, MqttQos qos, Set<String> acked, AtomicLong sequence,
                           AtomicBoolean running, CountDownLatch done) {
        Thread thread = new Thread(() -> {
            Mqtt5AsyncClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port)
                    .buildAsync();
            Semaphore window = new Semaphore(500);
            try {
                client.connect().join();
                while (running.get() && client.getState().isConnected()) {
                    if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    String payload = qos.getCode() + "-" + sequence.incrementAndGet();
                    client.publishWith().topic(topic).qos(qos).payload(payload.getBytes(StandardCharsets.UTF_8)).send()
                            .whenComplete((result, error) -> {
                                window.release();
                                if (error == null && result.getError().isEmpty() && acknowledged(result)) {
                                    acked.add(payload);
                                }
                            });
                }
            } catch (Exception e) {
                // the hub was killed under us
            } finally {
                done.countDown();
            }
        }, id);
        thread.setDaemon(true);
        thread.start();
    }

    /** A PUBACK or PUBREC with a success code (0x00, or 0x10 no matching subscribers). */
    private static boolean acknowledged(com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult result) {
        if (result instanceof com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result qos1) {
            return !qos1.getPubAck().getReasonCode().isError();
        }
        if (result instanceof com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos2Result qos2) {
            return !qos2.getPubRec().getReasonCode().isError();
        }
        return false;
    }

    private static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaBinary() throws IOException {
        return ProcessHandle.current().info().command().orElseThrow(() -> new IOException("no java binary"));
    }
}
