package io.unshub.broker.security;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.unshub.broker.Broker;
import io.unshub.broker.BrokerExtensions;
import io.unshub.broker.handler.MqttConnection;
import io.unshub.broker.handler.SubscriptionPolicy;
import io.unshub.broker.security.AuthSettings.Anonymous;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Authentication end to end: a real broker with a {@link HubAuthenticator}, real clients we did not write
 * (HiveMQ MQTT client 5 and 3.1.1, Eclipse Paho 3.1.1), real users files and tokens.
 */
@ExtendWith(NoLeaks.class)
class AuthenticationIT {

    private static final PasswordHasher FAST = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private HubAuthenticator authenticator;
    private Broker broker;
    private final List<UnsMessage> accepted = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> cleanups = new CopyOnWriteArrayList<>();

    private Broker start(AuthSettings settings) throws AuthConfigException {
        authenticator = new HubAuthenticator(settings);
        broker = new Broker(BrokerFixture.baseConfig(), new BrokerExtensions(authenticator,
                SubscriptionPolicy.ALLOW_ALL, PublishGuard.ACCEPT_ALL, message -> {
                    if (message.origin().kind() == Origin.Kind.CLIENT) {
                        accepted.add(message); // what network clients published, with their identity
                    }
                }));
        broker.start();
        return broker;
    }

    @AfterEach
    void stop() {
        for (AutoCloseable cleanup : new ArrayList<>(cleanups).reversed()) {
            try {
                cleanup.close();
            } catch (Exception | AssertionError ignored) {
                // best effort: the client may already be gone
            }
        }
        if (broker != null) {
            broker.stop();
        }
        if (authenticator != null) {
            authenticator.close();
        }
    }

    private Path users(String... namePasswordRoles) throws Exception {
        Path file = dir.resolve("users.yaml");
        for (int i = 0; i < namePasswordRoles.length; i += 3) {
            UsersFile.addOrReplaceUser(file, namePasswordRoles[i], namePasswordRoles[i + 1].toCharArray(),
                    namePasswordRoles[i + 2].isEmpty() ? Set.of() : Set.of(namePasswordRoles[i + 2].split(",")), FAST);
        }
        return file;
    }

    private Mqtt5BlockingClient v5(String id, String user, String password) {
        return v5(id, builder -> user == null ? builder : builder.simpleAuth().username(user)
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth());
    }

    private Mqtt5BlockingClient v5(String id, UnaryOperator<Mqtt5ClientBuilder> customizer) {
        Mqtt5BlockingClient client = customizer.apply(Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.tcpPort())).buildBlocking();
        cleanups.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    private Mqtt3BlockingClient v3(String id, String user, String password) {
        var builder = Mqtt3Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.tcpPort());
        if (user != null) {
            builder = builder.simpleAuth().username(user).password(password.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        Mqtt3BlockingClient client = builder.buildBlocking();
        cleanups.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    private MqttClient paho3(String id) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.tcpPort(), id, new MemoryPersistence());
        cleanups.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 500);
            }
            client.close(true);
        });
        return client;
    }

    private static MqttConnectOptions pahoOptions(String user, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setConnectionTimeout(10);
        return options;
    }

    private static void refusedV5(Mqtt5BlockingClient client, Mqtt5ConnAckReasonCode code, String reason) {
        assertThatThrownBy(client::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> {
            Mqtt5ConnAck connAck = e.getMqttMessage();
            assertThat(connAck.getReasonCode()).isEqualTo(code);
            assertThat(connAck.getReasonString().map(Object::toString)).contains(reason);
        });
    }

    private static void refusedV3(Mqtt3BlockingClient client, Mqtt3ConnAckReturnCode code) {
        assertThatThrownBy(client::connect).isInstanceOfSatisfying(Mqtt3ConnAckException.class,
                e -> assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(code));
    }

    private Mqtt5Publish roundTrip(Mqtt5BlockingClient publisher, Mqtt5BlockingClient.Mqtt5Publishes inbox,
                                   String topic, String payload) throws InterruptedException {
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
        Optional<Mqtt5Publish> received = inbox.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).as("'%s' on %s within %s", payload, topic, WAIT).isPresent();
        assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo(payload);
        return received.get();
    }

    // ------------------------------------------------------------------ users file

    @Test
    void theRightPasswordConnectsAndTheConnectionShowsItsUser() throws Exception {
        start(AuthSettings.DEFAULT.withAnonymous(Anonymous.NONE).withUsersFile(users("plc-line1", "s3cret", "plc,line1")));

        Mqtt5BlockingClient v5 = v5("plc-v5", "plc-line1", "s3cret");
        assertThat(v5.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        Mqtt3BlockingClient v3 = v3("plc-v3", "plc-line1", "s3cret");
        assertThat(v3.connect().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);

        MqttConnection connection = broker.connection("plc-v5").orElseThrow();
        assertThat(connection.username()).isEqualTo("plc-line1");
        assertThat(connection.authMethod()).isEqualTo("password");
        assertThat(broker.connection("plc-v3").orElseThrow().username()).isEqualTo("plc-line1");

        v5.publishWith().topic("plant/line1/state").qos(MqttQos.AT_LEAST_ONCE).payload("on".getBytes()).send();
        await().atMost(WAIT).until(() -> !accepted.isEmpty());
        assertThat(accepted.getFirst().origin()).isEqualTo(Origin.client("plc-v5", "plc-line1", Set.of("plc", "line1")));
    }

    @Test
    void aWrongPasswordIsRefusedWith0x86In5And0x04In311() throws Exception {
        start(AuthSettings.DEFAULT.withUsersFile(users("plc-line1", "s3cret", "")));

        refusedV5(v5("wrong-v5", "plc-line1", "Hunter2"), Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                "bad user name or password");
        refusedV3(v3("wrong-v3", "plc-line1", "Hunter2"), Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);

        assertThat(broker.connections()).isEmpty();
        assertThat(broker.metrics().authenticationsRefused()).isEqualTo(2);
        assertThat(authenticator.counters().refusedCount(AuthCounters.Refusal.BAD_PASSWORD)).isEqualTo(2);
    }

    @Test
    void pahoConnectsWithTheRightPasswordAndIsRefusedWithAWrongOne() throws Exception {
        start(AuthSettings.DEFAULT.withAnonymous(Anonymous.NONE).withUsersFile(users("plc-line1", "s3cret", "")));

        MqttClient right = paho3("paho-right");
        right.connect(pahoOptions("plc-line1", "s3cret"));
        assertThat(right.isConnected()).isTrue();
        assertThat(broker.connection("paho-right").orElseThrow().authMethod()).isEqualTo("password");

        MqttClient wrong = paho3("paho-wrong");
        assertThatThrownBy(() -> wrong.connect(pahoOptions("plc-line1", "nope")))
                .isInstanceOfSatisfying(MqttException.class,
                        e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
    }

    @Test
    void anUnknownUserIsRefusedLikeAWrongPassword() throws Exception {
        start(AuthSettings.DEFAULT.withUsersFile(users("plc-line1", "s3cret", "")));

        refusedV5(v5("ghost", "nobody", "s3cret"), Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                "bad user name or password");
        refusedV3(v3("ghost3", "nobody", "s3cret"), Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(authenticator.counters().refusedCount(AuthCounters.Refusal.UNKNOWN_USER)).isEqualTo(2);
    }

    // ------------------------------------------------------------------ anonymous

    @Test
    void anonymousClientsAreRefusedWhenAnonymousIsNone() throws Exception {
        start(AuthSettings.DEFAULT.withAnonymous(Anonymous.NONE).withUsersFile(users("plc-line1", "s3cret", "")));

        refusedV5(v5("anon-v5", null, null), Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, "anonymous access is not allowed");
        refusedV3(v3("anon-v3", null, null), Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
        assertThat(broker.connections()).isEmpty();
    }

    @Test
    void anonymousClientsOnLoopbackConnectByDefault() throws Exception {
        start(AuthSettings.DEFAULT);

        Mqtt5BlockingClient client = v5("local-anon", null, null);
        assertThat(client.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

        MqttConnection connection = broker.connection("local-anon").orElseThrow();
        assertThat(connection.authMethod()).isEqualTo("anonymous");
        assertThat(connection.username()).isNull();
        assertThat(authenticator.counters().allowedCount(AuthCounters.Method.ANONYMOUS)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ JWT

    @Test
    void aGoodTokenConnectsWithItsRolesAndExpiredOrForgedOnesAreRefused() throws Exception {
        String secret = JwtVerifierTest.SECRET;
        start(AuthSettings.DEFAULT.withAnonymous(Anonymous.NONE).withJwt(JwtSettings.hs256(secret).withAudience("uns-hub")));
        var claims = JwtVerifierTest.claims("plc-line1", Duration.ofMinutes(5));
        claims.setAudience("uns-hub");
        String good = JwtVerifierTest.hs256(claims, secret);
        var expiredClaims = JwtVerifierTest.claims("plc-line1", Duration.ofMinutes(-5));
        expiredClaims.setAudience("uns-hub");
        String expired = JwtVerifierTest.hs256(expiredClaims, secret);
        String forged = JwtVerifierTest.hs256(claims, JwtVerifierTest.OTHER_SECRET);

        Mqtt5BlockingClient client = v5("jwt-good", "plc-line1", good);
        assertThat(client.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(broker.connection("jwt-good").orElseThrow().authMethod()).isEqualTo("jwt");
        assertThat(broker.connection("jwt-good").orElseThrow().username()).isEqualTo("plc-line1");
        client.publishWith().topic("plant/line1/jwt").qos(MqttQos.AT_LEAST_ONCE).payload("x".getBytes()).send();
        await().atMost(WAIT).until(() -> !accepted.isEmpty());
        assertThat(accepted.getFirst().origin().roles()).containsExactlyInAnyOrder("plc", "line1");

        Mqtt3BlockingClient v3 = v3("jwt-v3", "plc-line1", good);
        assertThat(v3.connect().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);

        refusedV5(v5("jwt-expired", "plc-line1", expired), Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                "token expired");
        refusedV5(v5("jwt-forged", "plc-line1", forged), Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                "token signature invalid");
        refusedV3(v3("jwt-forged3", "plc-line1", forged), Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);

        // With an audience configured, a well-signed token without "aud" (or for another audience) is refused.
        String noAudience = JwtVerifierTest.hs256(JwtVerifierTest.claims("plc-line1", Duration.ofMinutes(5)), secret);
        var otherClaims = JwtVerifierTest.claims("plc-line1", Duration.ofMinutes(5));
        otherClaims.setAudience("historian");
        String otherAudience = JwtVerifierTest.hs256(otherClaims, secret);
        refusedV5(v5("jwt-no-aud", "plc-line1", noAudience), Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                "token audience not accepted");
        refusedV5(v5("jwt-other-aud", "plc-line1", otherAudience), Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                "token audience not accepted");
    }

    // ------------------------------------------------------------------ reload

    @Test
    void usersFileChangesApplyWhileConnectedClientsStayConnected() throws Exception {
        Path file = users("plc-line1", "pw-1", "plc", "observer", "pw-o", "");
        start(AuthSettings.DEFAULT.withAnonymous(Anonymous.NONE).withUsersFile(file)
                .withReloadInterval(Duration.ofMillis(50)));
        Mqtt5BlockingClient plc = v5("plc", "plc-line1", "pw-1");
        plc.connect();
        Mqtt5BlockingClient observer = v5("observer", "observer", "pw-o");
        observer.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = observer.publishes(
                com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            observer.subscribeWith().topicFilter("plant/#").qos(MqttQos.AT_LEAST_ONCE).send();
            roundTrip(plc, inbox, "plant/line1/state", "before");
            refusedV5(v5("newcomer-early", "plc-line2", "pw-2"), Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    "bad user name or password");

            UsersFile.addOrReplaceUser(file, "plc-line2", "pw-2".toCharArray(), Set.of("plc"), FAST);
            await().atMost(WAIT).until(() -> authenticator.status().reloads() >= 1);

            Mqtt5BlockingClient newcomer = v5("newcomer", "plc-line2", "pw-2");
            assertThat(newcomer.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
            assertThat(plc.getState().isConnected()).isTrue();
            roundTrip(plc, inbox, "plant/line1/state", "after-add");

            UsersFile.addOrReplaceUser(file, "plc-line1", "pw-1-new".toCharArray(), Set.of("plc"), FAST);
            await().atMost(WAIT).until(() -> authenticator.status().reloads() >= 2);

            assertThat(plc.getState().isConnected()).as("a password change does not drop the connection").isTrue();
            assertThat(broker.connection("plc")).isPresent();
            roundTrip(plc, inbox, "plant/line1/state", "after-change");
            refusedV5(v5("plc-old", "plc-line1", "pw-1"), Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    "bad user name or password");
            assertThat(v5("plc-new", "plc-line1", "pw-1-new").connect().getReasonCode())
                    .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        }
    }

    // ------------------------------------------------------------------ storm

    @Test
    void aBurstOfWrongPasswordsIsAnsweredWithoutHoldingUpOtherClients() throws Exception {
        Path file = dir.resolve("users.yaml");
        UsersFile.addOrReplaceUser(file, "plc-line1", "s3cret".toCharArray(), Set.of()); // 210,000 iterations
        start(AuthSettings.DEFAULT.withUsersFile(file)); // bystanders connect anonymously from loopback
        Mqtt5BlockingClient publisher = v5("bystander-pub", null, null);
        publisher.connect();
        Mqtt5BlockingClient subscriber = v5("bystander-sub", null, null);
        subscriber.connect();

        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = subscriber.publishes(
                com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("bystander/#").qos(MqttQos.AT_LEAST_ONCE).send();
            roundTrip(publisher, inbox, "bystander/warm-up", "warm-up");

            List<CompletableFuture<Integer>> storm = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Mqtt5AsyncClient attacker = v5("storm-" + i, "plc-line1", "wrong-" + i).toAsync();
                storm.add(attacker.connect().handle((connAck, failure) -> {
                    Throwable error = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (error instanceof Mqtt5ConnAckException refused) {
                        return refused.getMqttMessage().getReasonCode().getCode();
                    }
                    return error == null ? connAck.getReasonCode().getCode() : -1;
                }));
            }
            CompletableFuture<Void> allAnswered = CompletableFuture.allOf(storm.toArray(CompletableFuture[]::new));

            // While the storm is being hashed, messages between other clients keep flowing.
            int duringStorm = 0;
            int n = 0;
            while (!allAnswered.isDone() && n < 10_000) {
                roundTrip(publisher, inbox, "bystander/" + n, "m" + n);
                n++;
                if (!allAnswered.isDone()) {
                    duringStorm++;
                }
            }

            allAnswered.get(60, TimeUnit.SECONDS);
            assertThat(duringStorm).as("round trips completed while wrong passwords were being checked")
                    .isGreaterThan(0);
            assertThat(storm).allSatisfy(answer -> assertThat(answer.join()).isIn(0x86, 0x89));
            assertThat(storm.stream().filter(answer -> answer.join() == 0x86).count()).isPositive();
            assertThat(authenticator.counters().refusedCount(AuthCounters.Refusal.BAD_PASSWORD)
                    + authenticator.counters().refusedCount(AuthCounters.Refusal.SERVER_BUSY)).isEqualTo(50);
            assertThat(publisher.getState().isConnected()).isTrue();
            roundTrip(publisher, inbox, "bystander/after", "after");
        }
    }
}
