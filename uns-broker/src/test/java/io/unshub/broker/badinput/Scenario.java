package io.unshub.broker.badinput;

import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.RawMqttClient;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static io.unshub.broker.badinput.Packets.hex;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shape every bad-input test shares: a {@link Bystander} subscribed to '#' is connected, a raw client sends
 * something bad and gets its {@link Verdict}, and afterwards only the bad client is gone: the broker still
 * runs, the bystander is still connected and received nothing.
 */
final class Scenario {

    static final String BAD_CLIENT = "bad-client";
    /** Published right behind a refused CONNECT: the broker must not process it [MQTT-3.1.4-6]. */
    static final String AFTER_REFUSAL_TOPIC = "after/refused/connect";

    private final BrokerFixture fixture;

    Scenario(BrokerFixture fixture) {
        this.fixture = fixture;
    }

    /** Runs a case that connects with the case's level first, naming the case and its bytes in a failure. */
    void afterConnect(Case c) throws IOException {
        try {
            afterConnect(c.level(), c.bytes(), c.verdict());
        } catch (AssertionError e) {
            throw c.failure(e);
        }
    }

    /** Runs a case whose bytes are the first on the connection, naming the case and its bytes in a failure. */
    void firstBytes(Case c) throws IOException {
        try {
            firstBytes(c.bytes(), c.verdict());
        } catch (AssertionError e) {
            throw c.failure(e);
        }
    }

    /** Connects with {@code level} (4 or 5), sends {@code bad} and expects {@code verdict}. */
    void afterConnect(int level, byte[] bad, Verdict verdict) throws IOException {
        afterConnect(level, List.of(bad), verdict, List.of());
    }

    /**
     * Connects with {@code level}, sends each of {@code packets} in its own write and expects {@code verdict};
     * the bystander must have received exactly {@code legitimateTopics} (what the valid packets published).
     */
    void afterConnect(int level, List<byte[]> packets, Verdict verdict, List<String> legitimateTopics) throws IOException {
        afterConnect(level, packets, 0, verdict, legitimateTopics);
    }

    /** As above, where the valid packets among {@code packets} are answered with {@code answers} acknowledgements. */
    void afterConnect(int level, List<byte[]> packets, int answers, Verdict verdict, List<String> legitimateTopics)
            throws IOException {
        try (Bystander bystander = Bystander.subscribe(fixture.port(), "#");
             RawMqttClient client = new RawMqttClient(fixture.port())) {
            client.connect(level, BAD_CLIENT);
            for (byte[] packet : packets) {
                client.send(packet);
            }
            readAnswers(client, answers);
            verdict.verify(client);
            assertOnlyBadClientGone(bystander, legitimateTopics);
        }
    }

    /**
     * Sends {@code first} as the first bytes on a new connection, followed by a PUBLISH that must not be processed,
     * and expects {@code verdict}.
     */
    void firstBytes(byte[] first, Verdict verdict) throws IOException {
        try (Bystander bystander = Bystander.subscribe(fixture.port(), "#");
             RawMqttClient client = new RawMqttClient(fixture.port())) {
            client.send(concat(first, Packets.publish(4, 0, AFTER_REFUSAL_TOPIC, 0, null, Packets.utf8("x"))));
            verdict.verify(client);
            assertOnlyBadClientGone(bystander, List.of());
        }
    }

    /** The bad client's connection is closed on the broker, and nothing else was disturbed. */
    void assertOnlyBadClientGone(Bystander bystander, List<String> legitimateTopics) throws IOException {
        await("the broker closes the bad client's connection").atMost(Duration.ofSeconds(5))
                .until(() -> fixture.broker().metrics().connectionsCurrent() == 1);
        assertThat(fixture.broker().connection(BAD_CLIENT)).as("bad client still registered").isEmpty();
        assertThat(bystander.topicsReceivedBeforeMarker()).as("what the bystander received")
                .containsExactlyElementsOf(legitimateTopics);
        assertThat(fixture.broker().connection(Bystander.CLIENT_ID)).as("bystander still registered").isPresent();
        assertThat(fixture.broker().isRunning()).isTrue();
    }

    /**
     * A well-formed packet that the broker must accept: the client is still connected afterwards (PINGREQ is
     * answered) and the bystander got exactly {@code expectedTopics}.
     */
    void accepted(int level, List<byte[]> packets, int expectedAnswers, List<String> expectedTopics) throws IOException {
        try (Bystander bystander = Bystander.subscribe(fixture.port(), "#");
             RawMqttClient client = new RawMqttClient(fixture.port())) {
            client.connect(level, "good-client");
            for (byte[] packet : packets) {
                client.send(packet);
            }
            readAnswers(client, expectedAnswers);
            client.send(Packets.pingReq());
            RawMqttClient.Packet pingResp = client.read();
            assertThat(pingResp).as("the client is still connected").isNotNull();
            assertThat(pingResp.type()).as("PINGRESP expected, got %s", pingResp).isEqualTo(13);
            assertThat(bystander.topicsReceivedBeforeMarker()).as("what the bystander received")
                    .containsExactlyElementsOf(expectedTopics);
        }
    }

    /** Reads {@code count} answers, which must be acknowledgements that do not refuse anything. */
    private static void readAnswers(RawMqttClient client, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            RawMqttClient.Packet answer = client.read();
            assertThat(answer).as("answer %d of %d", i + 1, count).isNotNull();
            assertThat(answer.type()).as("answer %s", answer).isBetween(4, 11);
            if (answer.type() <= 7) {
                // PUBACK, PUBREC, PUBREL, PUBCOMP: packet identifier, then (MQTT 5) a reason code below 0x80.
                assertThat(answer.body().length < 3 || (answer.body()[2] & 0xFF) < 0x80).as("answer %s", answer).isTrue();
            }
        }
    }

    /** A named test case: {@code name} shows in the report, including the normative statement it checks. */
    record Case(String name, int level, byte[] bytes, Verdict verdict) {
        @Override
        public String toString() {
            return (level == 5 ? "MQTT 5: " : level == 4 ? "MQTT 3.1.1: " : "") + name + " -> " + verdict;
        }

        AssertionError failure(AssertionError cause) {
            AssertionError e = new AssertionError(this + "\n  sent: " + hex(bytes) + "\n  " + cause.getMessage(), cause);
            e.setStackTrace(cause.getStackTrace());
            return e;
        }
    }
}
