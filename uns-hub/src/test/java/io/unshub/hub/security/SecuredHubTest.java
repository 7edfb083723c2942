package io.unshub.hub.security;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unshub.broker.Broker;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;

/** Authentication, JWT and the ACL as the running hub wires them from its configuration. */
@QuarkusTest
@TestProfile(SecuredHubProfile.class)
class SecuredHubTest {

    private static final byte[] VALUE = "{\"value\":1,\"timestamp_ms\":1}".getBytes(StandardCharsets.UTF_8);

    @jakarta.inject.Inject
    Broker broker;

    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @AfterEach
    void disconnect() {
        for (Mqtt5BlockingClient client : clients) {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        }
    }

    @Test
    void anonymousAndWrongPasswordsAreRefusedAndCounted() {
        assertThatThrownBy(() -> client("nobody").connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isIn(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        assertThatThrownBy(() -> client("guesser").connectWith().simpleAuth().username("mes")
                .password("wrong".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("uns_mqtt_auth_refused_total"))
                .body(containsString("uns_mqtt_acl_denied_total{action=\"publish\"}"));
    }

    @Test
    void usersGetTheirRightsFromTheAcl() throws InterruptedException {
        Mqtt5BlockingClient mes = login("mes-reader", "mes", "mes-secret");
        Mqtt5BlockingClient plc = login("plc-1", "plc-line1", "plc-secret");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = mes.publishes(MqttGlobalPublishFilter.ALL)) {
            mes.subscribeWith().topicFilter("acme/#").qos(MqttQos.AT_LEAST_ONCE).send();
            plc.publishWith().topic("acme/dallas/press/line1/_edge/speed").qos(MqttQos.AT_LEAST_ONCE).payload(VALUE).send();
            Optional<Mqtt5Publish> message = received.receive(5, TimeUnit.SECONDS);
            assertThat(message).isPresent();
            assertThat(message.get().getTopic().toString()).isEqualTo("acme/dallas/press/line1/_edge/speed");
        }
        assertThatThrownBy(() -> plc.publishWith().topic("acme/dallas/press/line2/_edge/speed")
                .qos(MqttQos.AT_LEAST_ONCE).payload(VALUE).send())
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
        assertThat(broker.connection("plc-1").orElseThrow().username()).isEqualTo("plc-line1");
        assertThat(broker.connection("plc-1").orElseThrow().authMethod()).isEqualTo("password");
    }

    @Test
    void aSignedTokenIsAPasswordAndItsSubjectTheUser() throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("jwt-client");
        claims.setAudience("uns-hub");
        claims.setExpirationTimeMinutesInTheFuture(5);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(SecuredHubProfile.JWT_SECRET.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        Mqtt5BlockingClient client = client("jwt-1");
        client.connectWith().simpleAuth().password(jws.getCompactSerialization().getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        assertThat(broker.connection("jwt-1").orElseThrow().username()).isEqualTo("jwt-client");
        assertThat(broker.connection("jwt-1").orElseThrow().authMethod()).isEqualTo("jwt");
        // %u in the ACL: its own subtree only
        client.publishWith().topic("acme/dallas/_raw/jwt-client/x").qos(MqttQos.AT_LEAST_ONCE).payload(VALUE).send();
        assertThatThrownBy(() -> client.publishWith().topic("acme/dallas/_raw/other/x").qos(MqttQos.AT_LEAST_ONCE)
                .payload(VALUE).send()).isInstanceOf(Mqtt5PubAckException.class);

        claims.setExpirationTimeMinutesInTheFuture(-5);
        jws.setPayload(claims.toJson());
        assertThatThrownBy(() -> client("jwt-2").connectWith().simpleAuth()
                .password(jws.getCompactSerialization().getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send())
                .isInstanceOf(Mqtt5ConnAckException.class);
    }

    private Mqtt5BlockingClient login(String id, String user, String password) {
        Mqtt5BlockingClient client = client(id);
        client.connectWith().simpleAuth().username(user).password(password.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        return client;
    }

    private Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.tcpPort()).buildBlocking();
        clients.add(client);
        return client;
    }
}
