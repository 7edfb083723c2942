package io.unshub.broker.security.acl;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5WillPublish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.unshub.broker.Broker;
import io.unshub.broker.BrokerExtensions;
import io.unshub.broker.handler.MqttConnection;
import io.unshub.broker.persistence.Durability;
import io.unshub.broker.persistence.RocksBrokerStore;
import io.unshub.broker.security.AuthResult;
import io.unshub.broker.security.Authenticator;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.PublishTap;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The ACL in a real broker with real clients (HiveMQ MQTT 5 and 3.1.1, Paho v3): denied publishes (PUBACK/PUBREC
 * 0x87 in MQTT 5; acknowledged and dropped in 3.1.1), denied subscriptions (SUBACK 0x87 / 0x80), %u/%c rules,
 * in-process publishers, wills, and hot reload of acl.yaml under connected clients.
 */
@ExtendWith(NoLeaks.class)
class AclIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(400);

    /** Line numbers below are referred to in assertions; keep them in step with the text. */
    private static final String ACL = """
            default: deny
            rules:
              - allow: [subscribe]
                roles: [ops]
                topics: ["#"]
              - deny: [subscribe]
                topics: ["acme/secret/#"]
              - allow: [publish, subscribe]
                users: [plc-line1]
                topics: ["acme/dallas/press/line1/#"]
              - allow: [subscribe]
                roles: [mes]
                topics: ["acme/#"]
              - allow: [publish, subscribe]
                topics: ["users/%u/#", "devices/%c/#"]
              - deny: [publish]
                components: [opcua-bridge]
                topics: ["acme/+/+/_cmd/#"]
            """;

    /** The test's user directory: any password is accepted, the user name decides the roles. */
    private static final Map<String, Set<String>> ROLES = Map.of(
            "ops", Set.of("ops"),
            "plc-line1", Set.of("plc"),
            "mes-svc", Set.of("mes"),
            "alice", Set.of(),
            "bob", Set.of());

    private static final Authenticator USERS = credentials -> CompletableFuture.completedFuture(
            credentials.username() == null ? AuthResult.anonymous()
                    : new AuthResult.Allowed(credentials.username(), ROLES.getOrDefault(credentials.username(), Set.of()),
                    "password"));

    @TempDir
    Path dir;
    private Path aclFile;
    private Instant mtime = Instant.parse("2024-01-01T00:00:00Z");
    private AclGuard guard;
    private AclReloader reloader;
    private Broker broker;
    private final List<AutoCloseable> cleanups = new ArrayList<>();
    private final List<String> auditLines = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        aclFile = dir.resolve("acl.yaml");
        writeAcl(ACL);
        guard = new AclGuard(AclRules.allowAll(), new AclAudit(System::nanoTime, 1_000, Duration.ofSeconds(10),
                auditLines::add));
        reloader = new AclReloader(aclFile, guard);
        reloader.loadInitial();
        broker = new Broker(BrokerFixture.baseConfig(),
                new BrokerExtensions(USERS, guard, PublishGuard.inOrder(guard), PublishTap.NONE));
        guard.addressesFrom(broker::remoteAddressOf);
        broker.start();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable cleanup : cleanups.reversed()) {
            try {
                cleanup.close();
            } catch (Exception | AssertionError ignored) {
                // best effort: the client may already be gone
            }
        }
        broker.stop();
        reloader.close();
    }

    /** Rewrites acl.yaml with a later modification time, so the edit is seen whatever the file system's clock granularity. */
    private void writeAcl(String text) throws IOException {
        Files.writeString(aclFile, text);
        mtime = mtime.plusSeconds(1);
        Files.setLastModifiedTime(aclFile, FileTime.from(mtime));
    }

    // ------------------------------------------------------------------ clients

    private Mqtt5BlockingClient v5(String id, String user, UnaryOperator<Mqtt5ClientBuilder> customizer) {
        Mqtt5ClientBuilder builder = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.tcpPort());
        if (user != null) {
            builder = builder.simpleAuth().username(user).password(bytes("secret")).applySimpleAuth();
        }
        Mqtt5BlockingClient client = customizer.apply(builder).buildBlocking();
        cleanups.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    private Mqtt5BlockingClient connectedV5(String id, String user) {
        Mqtt5BlockingClient client = v5(id, user, UnaryOperator.identity());
        client.connect();
        return client;
    }

    private Mqtt3BlockingClient connectedV3(String id, String user) {
        Mqtt3BlockingClient client = Mqtt3Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.tcpPort()).simpleAuth().username(user).password(bytes("secret")).applySimpleAuth()
                .buildBlocking();
        cleanups.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        client.connect();
        return client;
    }

    private org.eclipse.paho.client.mqttv3.MqttClient connectedPaho3(String id, String user) throws Exception {
        var client = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + broker.tcpPort(), id,
                new MemoryPersistence());
        cleanups.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 500);
            }
            client.close(true);
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(user);
        options.setPassword("secret".toCharArray());
        client.connect(options);
        return client;
    }

    /** A client of the 'ops' role that sees every topic a test publishes to. */
    private Mqtt5BlockingClient.Mqtt5Publishes watchEverything() {
        Mqtt5BlockingClient watcher = connectedV5("watcher", "ops");
        Mqtt5BlockingClient.Mqtt5Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL);
        cleanups.add(publishes);
        watcher.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
        return publishes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> received = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).as("a message within %s", WAIT).isPresent();
        return received.get();
    }

    private static void nothingMore(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> received = publishes.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received.map(p -> p.getTopic() + " " + text(p))).as("no further message").isEmpty();
    }

    /** The reason code and reason string of the PUBACK (QoS 1) or PUBREC (QoS 2) answering one publish. */
    private record Ack(int code, String reason) {
    }

    private static Ack publish(Mqtt5BlockingClient client, String topic, int qos, String payload) throws Exception {
        Mqtt5AsyncClient async = client.toAsync();
        CompletableFuture<Mqtt5PublishResult> sent = async.publishWith().topic(topic).qos(MqttQos.fromCode(qos))
                .payload(bytes(payload)).send();
        Throwable error;
        Mqtt5PublishResult result = null;
        try {
            result = sent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            error = result.getError().orElse(null);
        } catch (ExecutionException e) {
            error = e.getCause();
        }
        if (error instanceof Mqtt5PubAckException e) {
            return new Ack(e.getMqttMessage().getReasonCode().getCode(),
                    e.getMqttMessage().getReasonString().map(Object::toString).orElse(null));
        }
        if (error instanceof Mqtt5PubRecException e) {
            return new Ack(e.getMqttMessage().getReasonCode().getCode(),
                    e.getMqttMessage().getReasonString().map(Object::toString).orElse(null));
        }
        assertThat(error).as("publish error").isNull();
        if (result instanceof Mqtt5PublishResult.Mqtt5Qos2Result qos2) {
            return new Ack(qos2.getPubRec().getReasonCode().getCode(), null);
        }
        return new Ack(((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode().getCode(), null);
    }

    // ------------------------------------------------------------------ publish

    @Test
    @DisplayName("MQTT 5: a denied publish gets PUBACK/PUBREC 0x87 naming the rule, and nobody receives it")
    void mqtt5PublishDenied() throws Exception {
        var watcher = watchEverything();
        Mqtt5BlockingClient plc = connectedV5("plc-1", "plc-line1");

        Ack qos1 = publish(plc, "acme/dallas/press/line2/speed", 1, "denied-1");
        assertThat(qos1).isEqualTo(new Ack(0x87, "not authorized (acl.yaml default)"));
        Ack qos2 = publish(plc, "acme/dallas/press/line2/speed", 2, "denied-2");
        assertThat(qos2.code()).isEqualTo(0x87);
        Ack allowed = publish(plc, "acme/dallas/press/line1/speed", 1, "allowed");
        assertThat(allowed.code()).isZero();

        Mqtt5Publish received = next(watcher);
        assertThat(received.getTopic().toString()).isEqualTo("acme/dallas/press/line1/speed");
        assertThat(text(received)).isEqualTo("allowed");
        nothingMore(watcher);
        assertThat(plc.getState().isConnected()).isTrue();
        assertThat(guard.publishDenied()).isEqualTo(2);
    }

    @Test
    @DisplayName("MQTT 5: a denied QoS 0 publish is dropped and the client stays connected")
    void mqtt5Qos0Dropped() throws Exception {
        var watcher = watchEverything();
        Mqtt5BlockingClient plc = connectedV5("plc-0", "plc-line1");
        plc.publishWith().topic("acme/dallas/press/line2/speed").qos(MqttQos.AT_MOST_ONCE).payload(bytes("denied")).send();
        assertThat(publish(plc, "acme/dallas/press/line1/speed", 1, "allowed").code()).isZero();
        assertThat(text(next(watcher))).isEqualTo("allowed");
        nothingMore(watcher);
        assertThat(plc.getState().isConnected()).isTrue();
        assertThat(guard.publishDenied()).isEqualTo(1);
    }

    @Test
    @DisplayName("MQTT 3.1.1 (HiveMQ): a denied publish is acknowledged and dropped; the connection stays")
    void mqtt311PublishDeniedHiveMq() throws Exception {
        var watcher = watchEverything();
        Mqtt3BlockingClient plc = connectedV3("plc-3", "plc-line1");
        MqttConnection connection = broker.connection("plc-3").orElseThrow();

        for (MqttQos qos : MqttQos.values()) {
            plc.publishWith().topic("acme/dallas/press/line2/speed").qos(qos).payload(bytes("denied")).send();
        }
        plc.publishWith().topic("acme/dallas/press/line1/speed").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("allowed")).send();

        assertThat(text(next(watcher))).isEqualTo("allowed");
        nothingMore(watcher);
        assertThat(plc.getState().isConnected()).isTrue();
        assertThat(broker.connection("plc-3")).containsSame(connection);
        assertThat(guard.publishDenied()).isEqualTo(3);
    }

    @Test
    @DisplayName("MQTT 3.1.1 (Paho v3): denied QoS 1 and 2 publishes complete normally and are dropped")
    void mqtt311PublishDeniedPaho() throws Exception {
        var watcher = watchEverything();
        var paho = connectedPaho3("paho-plc", "plc-line1");
        paho.publish("acme/dallas/press/line2/speed", bytes("denied-1"), 1, false);
        paho.publish("acme/dallas/press/line2/speed", bytes("denied-2"), 2, false);
        paho.publish("acme/dallas/press/line1/speed", bytes("allowed"), 2, false);
        assertThat(text(next(watcher))).isEqualTo("allowed");
        nothingMore(watcher);
        assertThat(paho.isConnected()).isTrue();
        assertThat(guard.publishDenied()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ subscribe

    @Test
    @DisplayName("MQTT 5: a filter that overlaps a denied one gets SUBACK 0x87; a covered one is granted and delivers")
    void mqtt5SubscribeDenied() throws Exception {
        Mqtt5BlockingClient mes = connectedV5("mes-5", "mes-svc");
        Mqtt5BlockingClient.Mqtt5Publishes received = mes.publishes(MqttGlobalPublishFilter.ALL);
        cleanups.add(received);
        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class, () -> mes.subscribeWith()
                .addSubscription().topicFilter("acme/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("acme/dallas/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("other/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send());
        assertThat(refused.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED,
                Mqtt5SubAckReasonCode.GRANTED_QOS_1, Mqtt5SubAckReasonCode.NOT_AUTHORIZED);

        Mqtt5BlockingClient plc = connectedV5("plc-s", "plc-line1");
        assertThat(publish(plc, "acme/dallas/press/line1/speed", 1, "42").code()).isZero();
        Mqtt5Publish message = next(received);
        assertThat(message.getTopic().toString()).isEqualTo("acme/dallas/press/line1/speed");
        assertThat(text(message)).isEqualTo("42");
        assertThat(mes.getState().isConnected()).isTrue();
        assertThat(guard.subscribeDenied()).isEqualTo(2);
    }

    @Test
    @DisplayName("MQTT 3.1.1: a denied filter gets SUBACK 0x80 (HiveMQ and Paho); the connection stays")
    void mqtt311SubscribeDenied() throws Exception {
        Mqtt3BlockingClient hive = connectedV3("mes-3", "mes-svc");
        Mqtt3SubAckException refused = catchThrowableOfType(Mqtt3SubAckException.class, () ->
                hive.subscribeWith().topicFilter("acme/secret/recipes").qos(MqttQos.AT_LEAST_ONCE).send());
        assertThat(refused.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE);
        assertThat(hive.getState().isConnected()).isTrue();

        var paho = connectedPaho3("mes-paho", "mes-svc");
        var token = paho.subscribeWithResponse(new String[]{"acme/#", "acme/monterrey/#"}, new int[]{1, 1});
        assertThat(token.getGrantedQos()).containsExactly(0x80, 1);
        assertThat(paho.isConnected()).isTrue();
        assertThat(broker.subscriptions().snapshot()).extracting(s -> s.filter()).containsExactly("acme/monterrey/#");
    }

    @Test
    @DisplayName("shared subscriptions are judged by the filter inside $share/<group>/")
    void sharedSubscription() {
        Mqtt5BlockingClient mes = connectedV5("mes-share", "mes-svc");
        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class, () -> mes.subscribeWith()
                .addSubscription().topicFilter("$share/g/acme/secret/+").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("$share/g/acme/dallas/+").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send());
        assertThat(refused.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED,
                Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    }

    // ------------------------------------------------------------------ %u and %c

    @Test
    @DisplayName("%u and %c: a client may use its own user and client-id subtrees and nobody else's")
    void placeholders() throws Exception {
        var watcher = watchEverything();
        Mqtt5BlockingClient alice = connectedV5("dev-7", "alice");
        assertThat(publish(alice, "users/alice/notes", 1, "mine").code()).isZero();
        assertThat(publish(alice, "devices/dev-7/temp", 1, "21.5").code()).isZero();
        assertThat(publish(alice, "users/bob/notes", 1, "theirs").code()).isEqualTo(0x87);
        assertThat(publish(alice, "devices/dev-8/temp", 1, "spoof").code()).isEqualTo(0x87);
        assertThat(alice.subscribeWith().topicFilter("users/alice/#").qos(MqttQos.AT_MOST_ONCE).send().getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_0);
        Mqtt5SubAckException refused = catchThrowableOfType(Mqtt5SubAckException.class,
                () -> alice.subscribeWith().topicFilter("users/+/notes").send());
        assertThat(refused.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);

        Mqtt5BlockingClient anonymous = connectedV5("dev-9", null);
        assertThat(publish(anonymous, "devices/dev-9/temp", 1, "19.0").code()).isZero();
        assertThat(publish(anonymous, "users/dev-9/notes", 1, "no user").code())
                .as("a %u rule never matches an anonymous client").isEqualTo(0x87);

        assertThat(List.of(next(watcher), next(watcher), next(watcher))).extracting(p -> p.getTopic().toString())
                .containsExactly("users/alice/notes", "devices/dev-7/temp", "devices/dev-9/temp");
        nothingMore(watcher);
    }

    // ------------------------------------------------------------------ in-process publishers

    @Test
    @DisplayName("an in-process publisher named by a components rule is refused with 0x87; other components pass")
    void inProcessPublisher() throws Exception {
        var watcher = watchEverything();
        PublishOutcome denied = broker.bus().publish(UnsMessage.of("acme/dallas/press/_cmd/start", bytes("go"), 1,
                false, MessageProperties.NONE, Origin.internal("opcua-bridge")));
        assertThat(denied).isEqualTo(new PublishOutcome.Rejected(0x87, "not authorized (acl.yaml:16)", false, false));

        PublishOutcome otherTopic = broker.bus().publish(UnsMessage.of("acme/dallas/press/line1/speed", bytes("7"), 1,
                false, MessageProperties.NONE, Origin.internal("opcua-bridge")));
        assertThat(otherTopic.accepted()).as("components are not subject to 'default: deny'").isTrue();
        PublishOutcome otherComponent = broker.bus().publish(UnsMessage.of("acme/dallas/press/_cmd/stop",
                bytes("halt"), 1, false, MessageProperties.NONE, Origin.internal("sparkplug-host")));
        assertThat(otherComponent.accepted()).isTrue();

        assertThat(List.of(next(watcher), next(watcher))).extracting(p -> p.getTopic().toString())
                .containsExactly("acme/dallas/press/line1/speed", "acme/dallas/press/_cmd/stop");
        nothingMore(watcher);
        assertThat(guard.publishDenied()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ wills

    @Test
    @DisplayName("MQTT 5: a will the ACL denies refuses the CONNECT with 0x87; an allowed will connects")
    void willDenied() {
        Mqtt5BlockingClient denied = v5("will-bad", "alice", b -> b.willPublish(Mqtt5WillPublish.builder()
                .topic("acme/dallas/press/line1/status").payload(bytes("offline")).build()));
        Mqtt5ConnAckException refused = catchThrowableOfType(Mqtt5ConnAckException.class, denied::connect);
        assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertThat(refused.getMqttMessage().getReasonString().map(Object::toString))
                .hasValue("will: not authorized (acl.yaml default)");
        assertThat(broker.connection("will-bad")).isEmpty();

        Mqtt5BlockingClient allowed = v5("will-ok", "alice", b -> b.willPublish(Mqtt5WillPublish.builder()
                .topic("users/alice/status").payload(bytes("offline")).build()));
        allowed.connect();
        assertThat(allowed.getState().isConnected()).isTrue();
    }

    @Test
    @DisplayName("MQTT 3.1.1: a client whose will the ACL denies connects without it; the will is never published")
    void willDeniedMqtt311() throws Exception {
        var watcher = watchEverything();
        var paho = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + broker.tcpPort(), "will-3",
                new MemoryPersistence());
        cleanups.add(() -> paho.close(true));
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName("alice");
        options.setPassword("secret".toCharArray());
        options.setWill("acme/dallas/press/line1/status", bytes("offline"), 1, false);
        paho.connect(options);
        assertThat(paho.isConnected()).isTrue();

        broker.connection("will-3").orElseThrow().channel().close().syncUninterruptibly(); // as a network failure would
        await().atMost(WAIT).until(() -> broker.connection("will-3").isEmpty());
        nothingMore(watcher);
    }

    @Test
    @DisplayName("an allowed will is published as its client's user when the connection is lost (%u rule)")
    void allowedWillIsPublishedAsItsUser() throws Exception {
        var watcher = watchEverything();
        Mqtt5BlockingClient alice = v5("will-alice", "alice", b -> b.willPublish(Mqtt5WillPublish.builder()
                .topic("users/alice/status").payload(bytes("offline")).build()));
        alice.connect();
        broker.connection("will-alice").orElseThrow().channel().close().syncUninterruptibly(); // as a network failure would
        Optional<Mqtt5Publish> will = watcher.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(will).isPresent();
        assertThat(will.get().getTopic().toString()).isEqualTo("users/alice/status");
    }

    @Test
    @DisplayName("a session belongs to its user: another user can neither resume it nor take it over (0x87)")
    void anotherUsersSessionIsNeitherResumedNorTakenOver() {
        Mqtt5BlockingClient alice = v5("shared-id", "alice", b -> b);
        alice.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
        Mqtt5ConnAckException refused = catchThrowableOfType(Mqtt5ConnAckException.class,
                () -> v5("shared-id", "bob", b -> b).connectWith().cleanStart(false).send());
        assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertThat(alice.getState().isConnected()).isTrue();
        assertThat(broker.connection("shared-id").orElseThrow().username()).isEqualTo("alice");

        // The same user may take its own session over, as MQTT says.
        Mqtt5BlockingClient again = v5("shared-id", "alice", b -> b);
        assertThat(again.connectWith().cleanStart(false).send().isSessionPresent()).isTrue();
    }

    @Test
    @DisplayName("the audit line of a denied publish or subscribe names the client's remote address")
    void auditLinesNameTheRemoteAddress() throws Exception {
        Mqtt5BlockingClient alice = connectedV5("audit-7", "alice");
        String address = broker.remoteAddressOf("audit-7");
        assertThat(address).startsWith("127.0.0.1:");
        assertThat(publish(alice, "users/bob/notes", 1, "theirs").code()).isEqualTo(0x87);
        assertThat(catchThrowableOfType(Mqtt5SubAckException.class,
                () -> alice.subscribeWith().topicFilter("users/+/notes").send())).isNotNull();
        assertThat(auditLines).anySatisfy(line -> assertThat(line).startsWith("ACL denied publish: client 'audit-7'")
                .contains(" from " + address + " topic 'users/bob/notes'"));
        assertThat(auditLines).anySatisfy(line -> assertThat(line).startsWith("ACL denied subscribe: client 'audit-7'")
                .contains(" from " + address + " filter 'users/+/notes'"));
    }

    @Test
    @DisplayName("a session's owner is kept in the broker store: after a restart another user still gets 0x87")
    void theOwnerOfAStoredSessionSurvivesARestart() throws Exception {
        Path store = dir.resolve("broker-store");
        restartOnStore(store);
        Mqtt5BlockingClient alice = v5("plant-gateway", "alice", b -> b);
        alice.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
        alice.disconnect();
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.connection("plant-gateway").isEmpty());

        restartOnStore(store);
        assertThat(broker.sessions().get("plant-gateway").owner()).isEqualTo("alice");
        for (boolean cleanStart : new boolean[] {false, true}) {
            Mqtt5ConnAckException refused = catchThrowableOfType(Mqtt5ConnAckException.class,
                    () -> v5("plant-gateway", "bob", b -> b).connectWith().cleanStart(cleanStart).send());
            assertThat(refused).as("bob, clean start " + cleanStart).isNotNull();
            assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        }
        Mqtt5ConnAckException anonymous = catchThrowableOfType(Mqtt5ConnAckException.class,
                () -> v5("plant-gateway", null, b -> b).connectWith().cleanStart(false).send());
        assertThat(anonymous).as("an anonymous client").isNotNull();

        Mqtt5BlockingClient again = v5("plant-gateway", "alice", b -> b);
        assertThat(again.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent()).isTrue();
    }

    /** Stops the broker and starts a new one with the same ACL and users on a RocksDB store in {@code store}. */
    private void restartOnStore(Path store) throws IOException {
        broker.stop();
        broker = new Broker(BrokerFixture.baseConfig(),
                new BrokerExtensions(USERS, guard, PublishGuard.inOrder(guard), PublishTap.NONE),
                RocksBrokerStore.open(store, Durability.groupCommit(0)));
        guard.addressesFrom(broker::remoteAddressOf);
        broker.start();
    }

    // ------------------------------------------------------------------ hot reload

    @Test
    @DisplayName("hot reload: a connected client's next publish is judged by the new rules; a broken edit keeps them")
    void hotReload() throws Exception {
        var watcher = watchEverything();
        Mqtt5BlockingClient bob = connectedV5("bob-1", "bob");
        MqttConnection connection = broker.connection("bob-1").orElseThrow();
        assertThat(publish(bob, "plant/x", 1, "before").code()).isEqualTo(0x87);

        reloader.start(Duration.ofMillis(25));
        writeAcl(ACL + """
                  - allow: [publish]
                    users: [bob]
                    topics: ["plant/#"]
                """);
        await().atMost(WAIT).until(() -> reloader.status().reloads() == 1);
        AclRules reloaded = guard.rules();
        assertThat(reloaded.size()).isEqualTo(7);

        assertThat(publish(bob, "plant/x", 1, "after").code()).isZero();
        assertThat(text(next(watcher))).isEqualTo("after");
        assertThat(bob.getState().isConnected()).isTrue();
        assertThat(broker.connection("bob-1")).containsSame(connection);

        writeAcl(ACL + "  - allow: [publish]\n    users: []\n    topics: [\"plant/#\"]\n");
        await().atMost(WAIT).until(() -> reloader.status().lastError() != null);
        assertThat(reloader.status().lastError()).contains("acl.yaml:20: rules[6].users");
        assertThat(guard.rules()).isSameAs(reloaded);
        assertThat(publish(bob, "plant/y", 1, "still").code()).isZero();
        assertThat(text(next(watcher))).isEqualTo("still");
        assertThat(broker.connection("bob-1")).containsSame(connection);
        nothingMore(watcher);
    }
}
