package io.unshub.hub.replay;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.unshub.broker.Broker;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryReader;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The three replay doors with real data: messages published on the bus with chosen receive times, stored by the
 * running hub's embedded QuestDB, replayed over SSE, as an MQTT replay session and as a {@code $replay/<filter>}
 * MQTT 5 subscription.
 */
@QuarkusTest
class ReplayApiTest {

    /** The store outlives test runs (target/test-data): every run writes under its own enterprise. */
    private static final String ENTERPRISE = "rp" + System.nanoTime();
    private static final String SPEED = ENTERPRISE + "/plant1/press/_edge/speed";
    private static final String BLOB = ENTERPRISE + "/plant1/press/_mes/blob";
    /**
     * Receive time of the first message: the raw log's timestamps never go backwards (a message received before the
     * newest stored one is stored at that one's time), so the test data lies just ahead of anything stored so far.
     */
    private static long T0;
    private static final int N = 40;
    /** Receive time of message i: 50 ms apart, except a few wider gaps the pacing test looks at. */
    private static final long[] OFFSETS = IntStream.range(0, N).mapToLong(i -> i * 50L + (i >= 30 ? 400L * (i - 29) : 0)).toArray();
    private static final byte[] BINARY = {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF};

    @Inject
    UnsBus bus;

    @Inject
    HistoryReader reader;

    @Inject
    Broker broker;

    @TestHTTPResource("/api/v1/replay")
    URL sseUrl;

    private static boolean published;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void publishOnce() {
        if (published) {
            return;
        }
        T0 = System.currentTimeMillis() + 2_000;
        for (int i = 0; i < N; i++) {
            boolean binary = i % 10 == 9;
            byte[] payload = binary ? BINARY : ("{\"value\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            bus.publish(new UnsMessage(binary ? BLOB : SPEED, payload, 1, i == 0, MessageProperties.NONE,
                    Origin.client("plc-1"), T0 + OFFSETS[i], System.nanoTime()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                reader.read(new HistoryRange(ENTERPRISE + "/#", 0, Long.MAX_VALUE, -1, 1000)).size() == N);
        published = true;
    }

    @AfterEach
    void disconnect() {
        for (Mqtt5BlockingClient client : clients) {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        }
    }

    private URI sse(String filter, long from, long to, String speed) {
        return URI.create(sseUrl + "?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8) + "&from=" + from
                + "&to=" + to + "&speed=" + speed);
    }

    private static List<SseEvents.Event> messages(SseEvents.Stream stream) {
        return stream.events().stream().filter(e -> e.name() == null).toList();
    }

    @Test
    void sseReplaysEveryMessageInSequenceOrderAndEndsWithAnEndEvent() throws Exception {
        SseEvents.Stream stream = SseEvents.read(sse(ENTERPRISE + "/#", T0, T0 + 10_000, "0"), Map.of());

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        List<SseEvents.Event> events = messages(stream);
        assertThat(events).hasSize(N);
        List<Long> ids = events.stream().map(e -> Long.parseLong(e.id())).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        for (int i = 0; i < N; i++) {
            JsonPath data = new JsonPath(events.get(i).data());
            assertThat(data.getLong("sequence")).isEqualTo(ids.get(i));
            assertThat(data.getLong("timestamp_ms")).isEqualTo(T0 + OFFSETS[i]);
            assertThat(data.getString("publisher")).isEqualTo("plc-1");
            assertThat(data.getInt("qos")).isEqualTo(1);
            assertThat(data.getBoolean("retain")).isEqualTo(i == 0);
            if (i % 10 == 9) {
                assertThat(data.getString("topic")).isEqualTo(BLOB);
                assertThat(data.getString("encoding")).isEqualTo("base64");
                assertThat(Base64.getDecoder().decode(data.getString("payload"))).isEqualTo(BINARY);
            } else {
                assertThat(data.getString("topic")).isEqualTo(SPEED);
                assertThat(data.getString("encoding")).isEqualTo("utf-8");
                assertThat(data.getString("payload")).isEqualTo("{\"value\":" + i + "}");
            }
        }
        SseEvents.Event end = stream.events().get(stream.events().size() - 1);
        assertThat(end.name()).isEqualTo("end");
        JsonPath summary = new JsonPath(end.data());
        assertThat(summary.getString("state")).isEqualTo("completed");
        assertThat(summary.getLong("replayed")).isEqualTo(N);
        assertThat(summary.getLong("last_sequence")).isEqualTo(ids.get(N - 1));
        given().get("/q/metrics").then().statusCode(200).body(containsString("uns_replay_messages_total"))
                .body(containsString("uns_replay_active"));
    }

    @Test
    void lastEventIdResumesRightAfterThatEvent() throws Exception {
        List<SseEvents.Event> all = messages(SseEvents.read(sse(ENTERPRISE + "/#", T0, T0 + 10_000, "0"), Map.of()));
        String tenth = all.get(9).id();

        List<SseEvents.Event> rest = messages(SseEvents.read(sse(ENTERPRISE + "/#", T0, T0 + 10_000, "0"),
                Map.of("Last-Event-ID", tenth)));
        assertThat(rest).extracting(SseEvents.Event::id)
                .containsExactlyElementsOf(all.subList(10, N).stream().map(SseEvents.Event::id).toList());
    }

    @Test
    void pacedReplayKeepsTheOriginalGapsDividedBySpeed() throws Exception {
        // Messages 29..34: gaps of 450 ms in the original; at speed 3 they are due 150 ms apart.
        long from = T0 + OFFSETS[29];
        long to = T0 + OFFSETS[34] + 1;
        double speed = 3;
        List<SseEvents.Event> events = messages(SseEvents.read(sse(SPEED, from, to, "3"), Map.of()));

        assertThat(events).hasSize(5); // 29 is the blob topic, 30..34 speed
        long firstOriginal = new JsonPath(events.get(0).data()).getLong("timestamp_ms");
        long firstArrival = events.get(0).arrivedNanos();
        for (SseEvents.Event event : events) {
            long original = new JsonPath(event.data()).getLong("timestamp_ms") - firstOriginal;
            long dueMillis = (long) (original / speed);
            long arrivedMillis = TimeUnit.NANOSECONDS.toMillis(event.arrivedNanos() - firstArrival);
            // Never early (minus what network buffering of the first event can hide), and faster than the original.
            assertThat(arrivedMillis).as("arrival of an event due %d ms after the first", dueMillis)
                    .isGreaterThanOrEqualTo(dueMillis - 40);
        }
        long span = TimeUnit.NANOSECONDS.toMillis(events.get(4).arrivedNanos() - firstArrival);
        assertThat(span).as("1800 ms of original time at speed 3").isLessThan(1500);
    }

    @Test
    void badRequestsAreRefusedWithTheReason() throws Exception {
        bad(sse("a/#/b", T0, T0 + 1, "0"), "filter");
        bad(sse("#", T0 + 1, T0, "0"), "from must be before to");
        bad(sse("#", T0, T0 + 1, "fast"), "speed is not a number");
        bad(sse("#", T0, T0 + 1, "-2"), "speed must be 0");
        bad(URI.create(sseUrl + "?filter=%23"), "from is required");
        SseEvents.Stream badId = SseEvents.read(sse("#", T0, T0 + 1, "0"), Map.of("Last-Event-ID", "x"));
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.body()).contains("Last-Event-ID");

        given().get("/api/v1/replays/r000000000000").then().statusCode(404).body("error", equalTo("not found"));
        given().delete("/api/v1/replays/nope").then().statusCode(404).body("detail", containsString("nope"));
        given().contentType("application/json").body("{\"filter\":\"a/+b\",\"from\":1}").post("/api/v1/replays")
                .then().statusCode(400).body("error", equalTo("bad request")).body("detail", containsString("filter"));
        given().contentType("application/json").body("{\"filter\":\"a/#\",\"from\":5,\"to\":1}").post("/api/v1/replays")
                .then().statusCode(400).body("detail", containsString("from must be before to"));
        given().contentType("application/json").body("{\"filter\":\"a/#\",\"from\":1,\"speed\":\"0.0000001\"}")
                .post("/api/v1/replays").then().statusCode(400).body("detail", containsString("speed"));
    }

    private static void bad(URI uri, String detail) throws Exception {
        SseEvents.Stream stream = SseEvents.read(uri, Map.of());
        assertThat(stream.status()).as(uri.toString()).isEqualTo(400);
        JsonPath error = new JsonPath(stream.body());
        assertThat(error.getString("error")).isEqualTo("bad request");
        assertThat(error.getString("detail")).contains(detail);
    }

    private Mqtt5BlockingClient mqtt(String clientId) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(broker.tcpPort()).buildBlocking();
        client.connect();
        clients.add(client);
        return client;
    }

    @Test
    void anMqttReplaySessionPublishesUnderItsIdNeverOnLiveTopics() throws Exception {
        JsonPath created = given().contentType("application/json")
                .body("{\"filter\":\"" + ENTERPRISE + "/#\",\"from\":\"" + Instant.ofEpochMilli(T0) + "\",\"to\":"
                        + (T0 + 10_000) + ",\"speed\":0}")
                .post("/api/v1/replays").then().statusCode(201)
                .header("Location", containsString("/api/v1/replays/")).body("state", equalTo("waiting"))
                .extract().jsonPath();
        String id = created.getString("id");
        assertThat(created.getString("topic_prefix")).isEqualTo("$replay/" + id + "/");

        Mqtt5BlockingClient live = mqtt("live-watcher");
        Mqtt5BlockingClient replayer = mqtt("session-reader");
        try (Mqtt5BlockingClient.Mqtt5Publishes livePublishes = live.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes replayed = replayer.publishes(MqttGlobalPublishFilter.ALL)) {
            live.subscribeWith().topicFilter(ENTERPRISE + "/#").qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            replayer.subscribeWith().topicFilter("$replay/" + id + "/#").qos(MqttQos.AT_LEAST_ONCE).send();

            List<Mqtt5Publish> received = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                Optional<Mqtt5Publish> next = replayed.receive(10, TimeUnit.SECONDS);
                assertThat(next).as("replayed message %d", i).isPresent();
                received.add(next.get());
            }
            for (int i = 0; i < N; i++) {
                Mqtt5Publish message = received.get(i);
                assertThat(message.getTopic().toString()).isEqualTo("$replay/" + id + "/" + (i % 10 == 9 ? BLOB : SPEED));
                assertThat(message.isRetain()).isFalse();
                assertThat(userProperty(message, "replay-timestamp")).isEqualTo(Long.toString(T0 + OFFSETS[i]));
            }
            assertThat(livePublishes.receive(300, TimeUnit.MILLISECONDS)).as("nothing on live topics").isEmpty();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> given().get("/api/v1/replays/" + id).then()
                .statusCode(200).body("state", equalTo("completed")).body("replayed", equalTo(N)));
        assertThat(broker.retained().matching("$replay/#")).isEmpty();
        given().get("/api/v1/replays").then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(id));
    }

    @Test
    void aSessionNobodySubscribedToCanBeCancelled() {
        String id = given().contentType("application/json").body("{\"filter\":\"#\",\"from\":0}")
                .post("/api/v1/replays").then().statusCode(201).extract().path("id");
        given().delete("/api/v1/replays/" + id).then().statusCode(200).body("state", equalTo("cancelled"));
        given().get("/api/v1/replays/" + id).then().statusCode(200).body("state", equalTo("cancelled"));
    }

    @Test
    void anMqtt5SubscriptionWithReplayPropertiesGetsTheReplayAlone() throws Exception {
        Mqtt5BlockingClient replayer = mqtt("replay-subscriber");
        Mqtt5BlockingClient bystander = mqtt("replay-bystander");
        try (Mqtt5BlockingClient.Mqtt5Publishes replayed = replayer.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes others = bystander.publishes(MqttGlobalPublishFilter.ALL)) {
            bystander.subscribeWith().topicFilter("$replay/" + ENTERPRISE + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
            replayer.subscribeWith().topicFilter("$replay/" + SPEED).qos(MqttQos.AT_LEAST_ONCE).userProperties()
                    .add("replay-from", Long.toString(T0)).add("replay-to", Instant.ofEpochMilli(T0 + 10_000).toString())
                    .add("replay-speed", "0").applyUserProperties().send();

            List<Long> timestamps = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                if (i % 10 == 9) {
                    continue; // the blob topic is not in the filter
                }
                Optional<Mqtt5Publish> next = replayed.receive(10, TimeUnit.SECONDS);
                assertThat(next).as("replayed message %d", i).isPresent();
                assertThat(next.get().getTopic().toString()).isEqualTo("$replay/" + SPEED);
                assertThat(next.get().isRetain()).isFalse();
                assertThat(new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"value\":" + i + "}");
                timestamps.add(Long.parseLong(userProperty(next.get(), "replay-timestamp")));
            }
            assertThat(timestamps).isSorted().hasSize(N - N / 10);
            assertThat(replayed.receive(300, TimeUnit.MILLISECONDS)).as("nothing beyond the range").isEmpty();
            assertThat(others.receive(100, TimeUnit.MILLISECONDS)).as("only the subscriber that asked").isEmpty();
        }
    }

    @Test
    void replayPropertiesThatMakeNoSenseAreRefusedInTheSuback() {
        Mqtt5BlockingClient client = mqtt("replay-bad-props");
        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class, () -> client.subscribeWith()
                .topicFilter("$replay/" + ENTERPRISE + "/#").userProperties().add("replay-from", "last tuesday")
                .applyUserProperties().send());
        assertThat(refused.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        Mqtt5SubAckException backwards = catchThrowableOfType(Mqtt5SubAckException.class, () -> client.subscribeWith()
                .topicFilter("$replay/" + ENTERPRISE + "/#").userProperties().add("replay-from", Long.toString(T0 + 5))
                .add("replay-to", Long.toString(T0)).applyUserProperties().send());
        assertThat(backwards.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
    }

    static String userProperty(Mqtt5Publish message, String name) {
        return message.getUserProperties().asList().stream().filter(p -> p.getName().toString().equals(name))
                .map(p -> p.getValue().toString()).findFirst().orElse(null);
    }
}
