package io.unshub.hub.replay;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Replays follow the ACL of the original topics: rights on {@code $replay/#} alone do not open topics the client
 * may not subscribe to, neither through {@code $replay/<filter>} nor through a REST session's {@code $replay/<id>/}.
 */
@QuarkusTest
@TestProfile(ReplayAclProfile.class)
class ReplayAclTest {

    private static final String ALLOWED = "acme/" + "r" + System.nanoTime() + "/press/_edge/speed";

    @Inject
    Broker broker;

    @Inject
    UnsBus bus;

    @Inject
    HistoryReader reader;

    private Mqtt5BlockingClient mes;

    @BeforeEach
    void connect() {
        mes = MqttClient.builder().useMqttVersion5().identifier("mes-replayer").serverHost("127.0.0.1")
                .serverPort(broker.tcpPort()).buildBlocking();
        mes.connectWith().simpleAuth().username("mes").password("mes-secret".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
    }

    @AfterEach
    void disconnect() {
        if (mes.getState().isConnected()) {
            mes.disconnect();
        }
    }

    private Mqtt5SubAckException refused(String filter, boolean replayProperties) {
        return catchThrowableOfType(Mqtt5SubAckException.class, () -> {
            var subscribe = mes.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE);
            if (replayProperties) {
                subscribe.userProperties().add("replay-from", "0").applyUserProperties().send();
            } else {
                subscribe.send();
            }
        });
    }

    @Test
    void aReplaySubscriptionNeedsRightsOnTheOriginalTopics() throws Exception {
        Mqtt5SubAckException secret = refused("$replay/secret/#", true);
        assertThat(secret).as("$replay/# is allowed, secret/# is not").isNotNull();
        assertThat(secret.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        Mqtt5SubAckException wider = refused("$replay/#", true);
        assertThat(wider.getMqttMessage().getReasonCodes()).as("# is wider than acme/#")
                .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);

        // A component publishes (the ACL lets network clients publish nothing here); the store decides its time.
        bus.publish(UnsMessage.of(ALLOWED, "{\"value\":1}".getBytes(StandardCharsets.UTF_8), 1, false,
                MessageProperties.NONE, Origin.internal("test")));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                reader.read(new HistoryRange(ALLOWED, 0, Long.MAX_VALUE, -1, 10)).size() == 1);
        long stored = reader.read(new HistoryRange(ALLOWED, 0, Long.MAX_VALUE, -1, 10)).get(0).receivedAtMillis();
        try (Mqtt5BlockingClient.Mqtt5Publishes replayed = mes.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt5SubAck granted = mes.subscribeWith().topicFilter("$replay/" + ALLOWED).qos(MqttQos.AT_LEAST_ONCE)
                    .userProperties().add("replay-from", Long.toString(stored)).add("replay-to", Long.toString(stored + 1))
                    .add("replay-speed", "0").applyUserProperties().send();
            assertThat(granted.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            Optional<Mqtt5Publish> message = replayed.receive(10, TimeUnit.SECONDS);
            assertThat(message).isPresent();
            assertThat(message.get().getTopic().toString()).isEqualTo("$replay/" + ALLOWED);
        }
    }

    @Test
    void aSessionsSubscribersNeedRightsOnItsFilter() {
        String secret = given().contentType("application/json").body("{\"filter\":\"secret/#\",\"from\":0}")
                .post("/api/v1/replays").then().statusCode(201).extract().path("id");
        Mqtt5SubAckException refusal = refused("$replay/" + secret + "/#", false);
        assertThat(refusal).isNotNull();
        assertThat(refusal.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        given().get("/api/v1/replays/" + secret).then().statusCode(200).body("state", org.hamcrest.Matchers.equalTo("waiting"));

        String allowed = given().contentType("application/json").body("{\"filter\":\"acme/#\",\"from\":0}")
                .post("/api/v1/replays").then().statusCode(201).extract().path("id");
        Mqtt5SubAck granted = mes.subscribeWith().topicFilter("$replay/" + allowed + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(granted.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        given().delete("/api/v1/replays/" + secret).then().statusCode(200);
        given().delete("/api/v1/replays/" + allowed).then().statusCode(200);
    }
}
