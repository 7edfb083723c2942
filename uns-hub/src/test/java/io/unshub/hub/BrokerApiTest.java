package io.unshub.hub;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import io.quarkus.test.junit.QuarkusTest;
import io.unshub.broker.Broker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** The hub boots with its broker on ephemeral ports and serves broker state over REST. */
@QuarkusTest
class BrokerApiTest {

    @Inject
    Broker broker;

    private Mqtt5BlockingClient client;

    private Mqtt5BlockingClient connect(String id) {
        client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.tcpPort()).buildBlocking();
        client.connectWith().cleanStart(true).keepAlive(30).send();
        return client;
    }

    @AfterEach
    void disconnect() {
        if (client != null && client.getState().isConnected()) {
            client.disconnect();
        }
    }

    @Test
    void listsAConnectedClientWithItsSubscriptions() {
        Mqtt5BlockingClient c = connect("api-client-1");
        c.subscribeWith().topicFilter("acme/+/temp").qos(MqttQos.AT_LEAST_ONCE).send();

        given().when().get("/api/v1/clients").then().statusCode(200)
                .body("clientId", hasItem("api-client-1"));
        given().when().get("/api/v1/clients/api-client-1").then().statusCode(200)
                .body("client.connected", equalTo(true))
                .body("client.protocol", equalTo("5.0"))
                .body("client.keepAliveSeconds", equalTo(30))
                .body("client.address", containsString("127.0.0.1"))
                .body("client.queued", equalTo(0))
                .body("client.inflight", equalTo(0))
                .body("subscriptions[0].filter", equalTo("acme/+/temp"))
                .body("subscriptions[0].qos", equalTo(1));
        given().when().get("/api/v1/subscriptions").then().statusCode(200)
                .body("filter", hasItem("acme/+/temp"));
    }

    @Test
    void unknownClientIs404WithAReason() {
        given().when().get("/api/v1/clients/nobody").then().statusCode(404)
                .body("error", equalTo("not found"))
                .body("detail", containsString("nobody"));
        given().when().delete("/api/v1/clients/nobody").then().statusCode(404);
    }

    @Test
    void deleteDisconnectsTheClientWithAdministrativeAction() {
        AtomicReference<Throwable> cause = new AtomicReference<>();
        CompletableFuture<Void> disconnected = new CompletableFuture<>();
        client = Mqtt5Client.builder().identifier("api-kick").serverHost("127.0.0.1").serverPort(broker.tcpPort())
                .addDisconnectedListener(context -> {
                    cause.set(context.getCause());
                    disconnected.complete(null);
                })
                .buildBlocking();
        client.connect();

        given().when().delete("/api/v1/clients/api-kick").then().statusCode(204);

        await().atMost(Duration.ofSeconds(5)).until(disconnected::isDone);
        assertThat(cause.get()).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause.get()).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.ADMINISTRATIVE_ACTION);
    }

    @Test
    void retainedMessagesAreListedByFilter() {
        Mqtt5BlockingClient c = connect("api-retainer");
        c.publishWith().topic("acme/dallas/press/_edge/temp").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("42.5".getBytes(StandardCharsets.UTF_8)).send();
        c.publishWith().topic("other/site/_raw/blob").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[] {(byte) 0xFF, 0x00}).send();

        given().queryParam("filter", "acme/#").when().get("/api/v1/retained").then().statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].topic", equalTo("acme/dallas/press/_edge/temp"))
                .body("[0].payload", equalTo("42.5"))
                .body("[0].payloadEncoding", equalTo("utf-8"))
                .body("[0].publisher", equalTo("api-retainer"));
        given().queryParam("filter", "other/site/_raw/blob").when().get("/api/v1/retained").then().statusCode(200)
                .body("[0].payloadEncoding", equalTo("base64"))
                .body("[0].payload", equalTo("/wA="));
    }

    @Test
    void invalidRetainedFilterIs400() {
        given().queryParam("filter", "a/#/b").when().get("/api/v1/retained").then().statusCode(400)
                .body("error", equalTo("bad request"))
                .body("detail", containsString("'#'"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() throws InterruptedException {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("mqtt-listeners"));
        given().when().get("/q/health/live").then().statusCode(200)
                .body("checks.name", hasItem("mqtt-event-loops"));
        Mqtt5BlockingClient c = connect("api-metrics");
        c.subscribeWith().topicFilter("metrics/_raw/#").qos(MqttQos.AT_LEAST_ONCE).send();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            c.publishWith().topic("metrics/_raw/x").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[1000]).send();
            assertThat(publishes.receive(5, java.util.concurrent.TimeUnit.SECONDS)).isPresent();
        }
        long payloadIn = broker.metrics().payloadBytesIn(1);
        assertThat(payloadIn).isGreaterThanOrEqualTo(1000);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("uns_mqtt_connections"))
                .body(containsString("uns_mqtt_messages_total{direction=\"in\",qos=\"1\"}"))
                .body(containsString("uns_mqtt_payload_bytes_total{direction=\"out\",qos=\"1\"}"))
                .body(containsString("uns_mqtt_bytes_total{direction=\"in\"}"))
                .body(containsString("uns_mqtt_dropped_messages_total{reason=\"queue_full\"}"));
        given().when().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/clients/{clientId}"))
                .body(containsString("/api/v1/retained"));
    }
}
