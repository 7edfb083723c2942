package io.unshub.broker.transport;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.unshub.broker.Broker;
import io.unshub.broker.BrokerExtensions;
import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.config.TlsSettings;
import io.unshub.broker.config.TlsSettings.CertificateIdentity;
import io.unshub.broker.config.TlsSettings.ClientAuth;
import io.unshub.broker.handler.SubscriptionPolicy;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.unshub.broker.security.AuthCounters;
import io.unshub.broker.security.AuthResult;
import io.unshub.broker.security.AuthSettings;
import io.unshub.broker.security.CertificateIdentities;
import io.unshub.broker.security.HubAuthenticator;
import io.unshub.broker.security.Authenticator;
import io.unshub.broker.security.Credentials;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import io.unshub.broker.testing.ServerCertificateRecorder;
import io.unshub.broker.testing.TestCertificates;
import io.unshub.broker.testing.TestCertificates.Issued;
import io.unshub.broker.testing.TestCertificates.KeyType;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishTap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The TLS listeners: MQTT over TLS and secure WebSocket from PEM files, TLS 1.2/1.3 only, optional and required
 * client certificates handed to the authenticator, refusal of bad files at start, and certificate reload without
 * a restart. Real clients (HiveMQ MQTT 5) with a throw-away PKI; a raw socket for what clients will not send.
 */
@ExtendWith(NoLeaks.class)
class TlsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Issued ca;
    private static Issued otherCa;
    private static Issued server;
    private static Issued renewedServer;
    private static Issued goodClient;
    private static Issued expiredClient;
    private static Issued foreignClient;

    @TempDir
    Path dir;
    private Path certificateFile;
    private Path keyFile;
    private Path clientCaFile;

    private Broker broker;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
    private final BlockingQueue<Credentials> authenticated = new LinkedBlockingQueue<>();
    private final Authenticator recordingAuthenticator = credentials -> {
        authenticated.add(credentials);
        return CompletableFuture.completedFuture(AuthResult.anonymous());
    };

    @BeforeAll
    static void makePki() {
        ca = TestCertificates.authority("UNS Test CA");
        otherCa = TestCertificates.authority("Someone Else's CA");
        server = TestCertificates.server(ca);
        renewedServer = TestCertificates.server(ca);
        goodClient = TestCertificates.client(ca, "press-17");
        Instant now = Instant.now();
        expiredClient = TestCertificates.client(ca, "press-expired", now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)));
        foreignClient = TestCertificates.client(otherCa, "press-foreign");
    }

    @BeforeEach
    void writeFiles() {
        certificateFile = TestCertificates.writeCertificates(dir.resolve("server.crt"),
                server.certificate());
        keyFile = TestCertificates.writePrivateKey(dir.resolve("server.key"), server.privateKey());
        clientCaFile = TestCertificates.writeCertificates(dir.resolve("client-ca.crt"), ca.certificate());
    }

    @AfterEach
    void stop() {
        for (Mqtt5BlockingClient client : clients) {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        }
        clients.clear();
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }

    // ------------------------------------------------------------------ protocols

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void publishesAndReceivesOverTls(String protocol) throws Exception {
        start(ClientAuth.NONE, Duration.ZERO);
        ServerCertificateRecorder subscriberView = new ServerCertificateRecorder(ca.certificate());
        Mqtt5BlockingClient subscriber = tlsClient("tls-sub", broker.tlsPort(), subscriberView,
                ssl -> ssl.protocols(List.of(protocol)));
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("plant/line1/#").qos(MqttQos.AT_LEAST_ONCE).send();
            ServerCertificateRecorder publisherView = new ServerCertificateRecorder(ca.certificate());
            Mqtt5BlockingClient publisher = tlsClient("tls-pub", broker.tlsPort(), publisherView,
                    ssl -> ssl.protocols(List.of(protocol)));
            publisher.connect();
            assertAcknowledged(publisher.publishWith().topic("plant/line1/temp").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(utf8("21.5 over " + protocol)).send());

            Mqtt5Publish received = next(publishes);
            assertThat(received.getTopic().toString()).isEqualTo("plant/line1/temp");
            assertThat(text(received)).isEqualTo("21.5 over " + protocol);
            assertThat(publisherView.handshakes()).singleElement().satisfies(handshake -> {
                assertThat(handshake.protocol()).isEqualTo(protocol);
                assertThat(handshake.serial()).isEqualTo(server.serial());
            });
            assertThat(subscriberView.last().protocol()).isEqualTo(protocol);
        }
    }

    @Test
    void tls11IsRefusedByTheServer() throws Exception {
        start(ClientAuth.NONE, Duration.ZERO);

        // The JDK client refuses TLS 1.1 on its own, so what the broker does is shown with raw ClientHellos:
        // the same hello with TLS 1.2 gets a ServerHello, with TLS 1.1 a protocol_version alert.
        assertThat(firstTlsRecord(clientHello(0x0303))).as("answer to a TLS 1.2 ClientHello")
                .startsWith((byte) 0x16, (byte) 0x03).satisfies(record ->
                        assertThat(record[5]).as("handshake type ServerHello").isEqualTo((byte) 2));
        long failuresBefore = broker.metrics().tlsHandshakeFailures();
        byte[] answer = firstTlsRecord(clientHello(0x0302));
        assertThat(answer[0]).as("record type alert").isEqualTo((byte) 0x15);
        assertThat(answer[5]).as("alert level fatal").isEqualTo((byte) 2);
        assertThat(answer[6]).as("alert protocol_version").isEqualTo((byte) 70);
        await().atMost(WAIT).until(() -> broker.metrics().tlsHandshakeFailures() > failuresBefore);

        // ... and a real client limited to TLS 1.1 gets nowhere.
        Mqtt5BlockingClient tls11 = tlsClient("tls11", broker.tlsPort(), new ServerCertificateRecorder(ca.certificate()),
                ssl -> ssl.protocols(List.of("TLSv1.1")));
        assertThatThrownBy(tls11::connect).isInstanceOf(RuntimeException.class);
        assertThat(broker.connections()).isEmpty();
    }

    @Test
    void onlyTheConfiguredVersionsAreOffered() {
        // The JDK itself no longer offers TLS 1.1, so limiting to TLS 1.3 shows that the setting is applied.
        start(ClientAuth.NONE, Duration.ZERO, List.of("TLSv1.3"));
        Mqtt5BlockingClient tls12 = tlsClient("tls12", broker.tlsPort(), new ServerCertificateRecorder(ca.certificate()),
                ssl -> ssl.protocols(List.of("TLSv1.2")));
        assertThatThrownBy(tls12::connect).isInstanceOf(RuntimeException.class);
        ServerCertificateRecorder view = new ServerCertificateRecorder(ca.certificate());
        Mqtt5BlockingClient tls13 = tlsClient("tls13", broker.tlsPort(), view, UnaryOperator.identity());
        tls13.connect();
        assertThat(view.last().protocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void plainMqttOnTheTlsPortIsDroppedAndCounted() throws Exception {
        start(ClientAuth.NONE, Duration.ZERO);
        long failuresBefore = broker.metrics().tlsHandshakeFailures();
        try (RawMqttClient raw = new RawMqttClient(broker.tlsPort())) {
            raw.sendPacket(0x10, RawMqttClient.connectBody(5, "plain-on-tls"));
            assertThat(raw.isClosedByBroker()).isTrue();
        }
        await().atMost(WAIT).until(() -> broker.metrics().tlsHandshakeFailures() > failuresBefore);
        assertThat(authenticated).isEmpty();
    }

    // ------------------------------------------------------------------ client certificates

    @Test
    void requiredClientCertificateMustBeValidAndReachesTheAuthenticator() throws Exception {
        start(ClientAuth.REQUIRED, Duration.ZERO);
        long failuresBefore = broker.metrics().tlsHandshakeFailures();

        assertThat(connects("no-cert", null)).as("without a certificate").isFalse();
        assertThat(connects("foreign", foreignClient)).as("with a certificate from another CA").isFalse();
        assertThat(connects("expired", expiredClient)).as("with an expired certificate").isFalse();
        await().atMost(WAIT).until(() -> broker.metrics().tlsHandshakeFailures() >= failuresBefore + 3);
        assertThat(authenticated).as("refused in the handshake, before any CONNECT").isEmpty();

        assertThat(connects("press-17", goodClient)).as("with a good certificate").isTrue();
        Credentials credentials = authenticated.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(credentials).isNotNull();
        assertThat(credentials.clientId()).isEqualTo("press-17");
        assertThat(credentials.certificates()).first().satisfies(certificate -> {
            assertThat(certificate.getSerialNumber()).isEqualTo(goodClient.serial());
            assertThat(commonName(certificate.getSubjectX500Principal().getName())).isEqualTo("press-17");
        });
        assertThat(credentials.certificates().getLast().getSubjectX500Principal())
                .isEqualTo(ca.certificate().getSubjectX500Principal());
    }

    @Test
    void aRevokedClientCertificateIsRefusedOverMutualTlsWhileAGoodOneLogsIn() throws Exception {
        Issued revokedClient = TestCertificates.client(ca, "press-revoked"); // valid, trusted, but revoked by config
        AuthSettings settings = AuthSettings.DEFAULT.withAnonymous(AuthSettings.Anonymous.NONE)
                .withCertificateLogin(AuthSettings.CertificateLogin.ANY, CertificateIdentity.CN)
                .withRevokedCertificates(java.util.Set.of(CertificateIdentities.sha256Fingerprint(
                        revokedClient.certificate())));
        try (HubAuthenticator authenticator = new HubAuthenticator(settings)) {
            start(ClientAuth.REQUIRED, Duration.ZERO, authenticator);

            Mqtt5BlockingClient revoked = tlsClient("press-revoked", broker.tlsPort(),
                    new ServerCertificateRecorder(ca.certificate()),
                    ssl -> ssl.keyManagerFactory(revokedClient.keyManagerFactory()));
            assertThatThrownBy(revoked::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> {
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
                assertThat(e.getMqttMessage().getReasonString()).hasValueSatisfying(
                        reason -> assertThat(reason.toString()).contains("revoked"));
            });
            assertThat(authenticator.counters().refusedCount(AuthCounters.Refusal.CERTIFICATE_REVOKED)).isEqualTo(1);

            Mqtt5BlockingClient good = tlsClient("press-17", broker.tlsPort(),
                    new ServerCertificateRecorder(ca.certificate()),
                    ssl -> ssl.keyManagerFactory(goodClient.keyManagerFactory()));
            good.connect();
            assertThat(broker.connection("press-17").orElseThrow().username()).as("the certificate's CN")
                    .isEqualTo("press-17");
        }
    }

    @Test
    void optionalClientCertificateLetsClientsWithoutOneIn() throws Exception {
        start(ClientAuth.OPTIONAL, Duration.ZERO);

        assertThat(connects("anonymous-device", null)).isTrue();
        Credentials withoutCertificate = authenticated.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(withoutCertificate).isNotNull();
        assertThat(withoutCertificate.certificates()).isEmpty();

        assertThat(connects("press-17", goodClient)).isTrue();
        Credentials withCertificate = authenticated.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(withCertificate).isNotNull();
        assertThat(withCertificate.certificates()).first()
                .satisfies(c -> assertThat(commonName(c.getSubjectX500Principal().getName())).isEqualTo("press-17"));

        // A certificate that is presented is still checked.
        assertThat(connects("foreign", foreignClient)).isFalse();
        assertThat(connects("expired", expiredClient)).isFalse();
    }

    // ------------------------------------------------------------------ secure WebSocket

    @Test
    void secureWebSocketCarriesMqtt() throws Exception {
        start(ClientAuth.NONE, Duration.ZERO);
        assertThat(broker.wssPort()).isPositive().isNotEqualTo(broker.tlsPort());
        ServerCertificateRecorder wssView = new ServerCertificateRecorder(ca.certificate());
        Mqtt5BlockingClient subscriber = tlsClient("wss-sub", broker.wssPort(), wssView, UnaryOperator.identity(),
                builder -> builder.webSocketConfig().serverPath("mqtt").applyWebSocketConfig());
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("wss/test").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient publisher = tlsClient("tls-pub", broker.tlsPort(),
                    new ServerCertificateRecorder(ca.certificate()), UnaryOperator.identity());
            publisher.connect();
            publisher.publishWith().topic("wss/test").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("over wss")).send();
            assertThat(text(next(publishes))).isEqualTo("over wss");
        }
        assertThat(wssView.last().serial()).isEqualTo(server.serial());
    }

    // ------------------------------------------------------------------ reload

    @Test
    void renewedCertificateReachesNewConnectionsWhileOldOnesKeepWorking() throws Exception {
        start(ClientAuth.NONE, Duration.ofMillis(100));
        ServerCertificateRecorder keeperView = new ServerCertificateRecorder(ca.certificate());
        Mqtt5BlockingClient keeper = tlsClient("keeper", broker.tlsPort(), keeperView, UnaryOperator.identity());
        keeper.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = keeper.publishes(MqttGlobalPublishFilter.ALL)) {
            keeper.subscribeWith().topicFilter("keeper/#").qos(MqttQos.AT_LEAST_ONCE).send();
            publishAndReceive(keeper, publishes, "before renewal");

            TestCertificates.writeCertificates(certificateFile, renewedServer.certificate());
            TestCertificates.writePrivateKey(keyFile, renewedServer.privateKey());
            await().atMost(WAIT).until(() -> serialSeenByNewConnection().equals(renewedServer.serial()));

            // The established connection was not touched: same session, same handshake, still publishing.
            publishAndReceive(keeper, publishes, "after renewal");
            assertThat(keeperView.handshakes()).singleElement()
                    .satisfies(h -> assertThat(h.serial()).isEqualTo(server.serial()));

            // A broken file keeps the last good certificate, and says so in the log.
            long reloadFailuresBefore = broker.metrics().tlsReloadFailures();
            String log;
            try (StandardErrorCapture stderr = new StandardErrorCapture()) {
                // Atomically, so that there is exactly one broken version (an in-place write may be seen half done).
                TestCertificates.writeAtomically(certificateFile, "-----BEGIN CERTIFICATE-----\nnot a certificate\n");
                await().atMost(WAIT).until(() -> broker.metrics().tlsReloadFailures() > reloadFailuresBefore);
                log = stderr.text();
            }
            assertThat(log).contains("keeping the previous certificate").contains(certificateFile.toString());
            assertThat(serialSeenByNewConnection()).isEqualTo(renewedServer.serial());
            publishAndReceive(keeper, publishes, "after a broken file");
            assertThat(broker.metrics().tlsReloadFailures()).as("reported once, not on every poll")
                    .isEqualTo(reloadFailuresBefore + 1);

            // Repairing the files is picked up again.
            TestCertificates.writeCertificates(certificateFile, server.certificate());
            TestCertificates.writePrivateKey(keyFile, server.privateKey());
            await().atMost(WAIT).until(() -> serialSeenByNewConnection().equals(server.serial()));
        }
    }

    // ------------------------------------------------------------------ files

    @Test
    void badFilesFailStartNamingTheFile() throws IOException {
        Path missing = dir.resolve("missing.crt");
        assertStartFails(settings(ClientAuth.NONE, missing, keyFile, null), missing, "does not exist");

        Path notPem = Files.writeString(dir.resolve("not-pem.crt"), "hello\n");
        assertStartFails(settings(ClientAuth.NONE, notPem, keyFile, null), notPem, "not a PEM file");

        Path damaged = Files.writeString(dir.resolve("damaged.crt"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertStartFails(settings(ClientAuth.NONE, damaged, keyFile, null), damaged, "not a valid X.509 certificate");

        assertStartFails(settings(ClientAuth.NONE, certificateFile, certificateFile, null), certificateFile,
                "contains no PEM private key");

        Path otherKey = TestCertificates.writePrivateKey(dir.resolve("other.key"), renewedServer.privateKey());
        assertStartFails(settings(ClientAuth.NONE, certificateFile, otherKey, null), otherKey,
                "does not belong to the certificate");

        Path encrypted = TestCertificates.writeEncryptedPrivateKey(dir.resolve("encrypted.key"),
                server.privateKey(), "secret");
        assertStartFails(settings(ClientAuth.NONE, certificateFile, encrypted, null), encrypted, "encrypted");

        Path missingCa = dir.resolve("missing-ca.crt");
        assertStartFails(settings(ClientAuth.REQUIRED, certificateFile, keyFile, missingCa), missingCa,
                "does not exist");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void traditionalOpenSslKeyFilesAreAccepted(KeyType keyType) throws Exception {
        // PKCS#1 (BEGIN RSA PRIVATE KEY) and SEC1 (BEGIN EC PRIVATE KEY), as older openssl commands write them.
        Issued pair = TestCertificates.server(ca, keyType);
        TestCertificates.writeCertificates(certificateFile, pair.certificate());
        TestCertificates.writeTraditionalPrivateKey(keyFile, pair.privateKey());
        assertThat(Files.readString(keyFile)).startsWith("-----BEGIN " + keyType + " PRIVATE KEY-----");
        start(ClientAuth.NONE, Duration.ZERO);
        assertThat(serialSeenByNewConnection()).isEqualTo(pair.serial());
    }

    @Test
    void listenersAreOffWithoutCertificateOrPort() {
        broker = new Broker(BrokerFixture.baseConfig());
        broker.start();
        assertThat(broker.tlsPort()).isEqualTo(-1);
        assertThat(broker.wssPort()).isEqualTo(-1);
        broker.stop();

        broker = new Broker(BrokerFixture.baseConfig().withTls(new TlsSettings(BrokerConfig.DISABLED, 0,
                certificateFile, keyFile, null, ClientAuth.NONE, CertificateIdentity.CN, List.of("TLSv1.3"),
                Duration.ZERO)));
        broker.start();
        assertThat(broker.tlsPort()).isEqualTo(-1);
        assertThat(broker.wssPort()).isPositive();
    }

    // ------------------------------------------------------------------ helpers

    private TlsSettings settings(ClientAuth clientAuth, Path certificate, Path key, Path clientCa) {
        return new TlsSettings(0, 0, certificate, key, clientCa, clientAuth, CertificateIdentity.CN,
                List.of("TLSv1.3", "TLSv1.2"), Duration.ZERO);
    }

    private void start(ClientAuth clientAuth, Duration reloadInterval) {
        start(clientAuth, reloadInterval, List.of("TLSv1.3", "TLSv1.2"));
    }

    private void start(ClientAuth clientAuth, Duration reloadInterval, Authenticator authenticator) {
        start(clientAuth, reloadInterval, List.of("TLSv1.3", "TLSv1.2"), authenticator);
    }

    private void start(ClientAuth clientAuth, Duration reloadInterval, List<String> protocols) {
        start(clientAuth, reloadInterval, protocols, recordingAuthenticator);
    }

    private void start(ClientAuth clientAuth, Duration reloadInterval, List<String> protocols,
                       Authenticator authenticator) {
        TlsSettings tls = new TlsSettings(0, 0, certificateFile, keyFile,
                clientAuth == ClientAuth.NONE ? null : clientCaFile, clientAuth, CertificateIdentity.CN,
                protocols, reloadInterval);
        broker = new Broker(BrokerFixture.baseConfig().withTls(tls), new BrokerExtensions(authenticator,
                SubscriptionPolicy.ALLOW_ALL, PublishGuard.ACCEPT_ALL, PublishTap.NONE));
        broker.start();
        assertThat(broker.tlsPort()).isPositive();
    }

    private void assertStartFails(TlsSettings tls, Path file, String problem) {
        Broker failing = new Broker(BrokerFixture.baseConfig().withTls(tls));
        assertThatThrownBy(failing::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(problem);
        assertThat(failing.isRunning()).isFalse();
    }

    private Mqtt5BlockingClient tlsClient(String id, int port, ServerCertificateRecorder trust,
                                          UnaryOperator<MqttClientSslConfigBuilder> ssl) {
        return tlsClient(id, port, trust, ssl, UnaryOperator.identity());
    }

    private Mqtt5BlockingClient tlsClient(String id, int port, ServerCertificateRecorder trust,
                                          UnaryOperator<MqttClientSslConfigBuilder> ssl,
                                          UnaryOperator<Mqtt5ClientBuilder> more) {
        MqttClientSslConfig sslConfig = ssl.apply(MqttClientSslConfig.builder()
                .trustManagerFactory(trust.factory())
                .handshakeTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)).build();
        Mqtt5BlockingClient client = more.apply(Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(port).sslConfig(sslConfig)).buildBlocking();
        clients.add(client);
        return client;
    }

    /** Whether a client presenting {@code certificate} (null: none) gets connected on the TLS port. */
    private boolean connects(String id, Issued certificate) {
        Mqtt5BlockingClient client = tlsClient(id, broker.tlsPort(), new ServerCertificateRecorder(ca.certificate()),
                ssl -> certificate == null ? ssl : ssl.keyManagerFactory(certificate.keyManagerFactory()));
        try {
            client.connect();
        } catch (RuntimeException refused) {
            return false;
        }
        client.disconnect();
        return true;
    }

    /** Connects a new client over TLS and returns the serial of the certificate the server presented to it. */
    private BigInteger serialSeenByNewConnection() {
        ServerCertificateRecorder view = new ServerCertificateRecorder(ca.certificate());
        Mqtt5BlockingClient probe = tlsClient("probe", broker.tlsPort(), view, UnaryOperator.identity());
        probe.connect();
        probe.disconnect();
        return view.last().serial();
    }

    private static void publishAndReceive(Mqtt5BlockingClient client, Mqtt5BlockingClient.Mqtt5Publishes publishes,
                                          String payload) throws InterruptedException {
        assertAcknowledged(client.publishWith().topic("keeper/news").qos(MqttQos.AT_LEAST_ONCE).payload(utf8(payload))
                .send());
        assertThat(text(next(publishes))).isEqualTo(payload);
    }

    private static void assertAcknowledged(Mqtt5PublishResult result) {
        assertThat(result.getError()).isEmpty();
        assertThat(result).isInstanceOfSatisfying(Mqtt5PublishResult.Mqtt5Qos1Result.class,
                qos1 -> assertThat(qos1.getPubAck().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS));
    }

    private static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> received = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).as("a message within %s", WAIT).isPresent();
        return received.get();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static String commonName(String rfc2253) {
        for (String part : rfc2253.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ raw TLS

    /**
     * Sends {@code hello} to the TLS port and returns the first record the broker answers with (5-byte header
     * and body); fails if the broker closes without answering.
     */
    private byte[] firstTlsRecord(byte[] hello) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", broker.tlsPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(hello);
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[5];
            in.readFully(header);
            int length = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
            byte[] record = new byte[5 + length];
            System.arraycopy(header, 0, record, 0, 5);
            in.readFully(record, 5, length);
            return record;
        }
    }

    /**
     * A minimal ClientHello offering {@code version} (0x0302 = TLS 1.1, 0x0303 = TLS 1.2) with ECDHE suites usable
     * by both versions, the P-256/X25519 groups and SHA-256 signature algorithms.
     */
    private static byte[] clientHello(int version) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(version >>> 8);
        body.write(version);
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no session id
        int[] suites = {0xC02B, 0xC02F, 0xC009, 0xC013}; // ECDHE {ECDSA,RSA} AES-128 GCM (1.2) and CBC-SHA (1.1)
        writeShort(body, suites.length * 2);
        for (int suite : suites) {
            writeShort(body, suite);
        }
        body.write(1); // compression methods: null only
        body.write(0);
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extension(extensions, 0x000A, new int[] {0x0004, 0x001D, 0x0017}); // supported_groups: x25519, secp256r1
        extension(extensions, 0x000B, new byte[] {0x01, 0x00});           // ec_point_formats: uncompressed
        extension(extensions, 0x000D, new int[] {0x0006, 0x0403, 0x0804, 0x0401}); // signature_algorithms
        writeShort(body, extensions.size());
        body.writeBytes(extensions.toByteArray());

        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(1); // ClientHello
        handshake.write(body.size() >>> 16);
        writeShort(handshake, body.size());
        handshake.writeBytes(body.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16); // handshake
        writeShort(record, 0x0301);
        writeShort(record, handshake.size());
        record.writeBytes(handshake.toByteArray());
        return record.toByteArray();
    }

    private static void extension(ByteArrayOutputStream out, int type, int[] shorts) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int value : shorts) {
            writeShort(data, value);
        }
        extension(out, type, data.toByteArray());
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
        writeShort(out, type);
        writeShort(out, data.length);
        out.writeBytes(data);
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    /** Copies everything written to {@code System.err} (where slf4j-simple logs) while open, and passes it on. */
    private static final class StandardErrorCapture implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        StandardErrorCapture() {
            System.setErr(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (copy) {
                        copy.write(b);
                    }
                    original.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    synchronized (copy) {
                        copy.write(bytes, offset, length);
                    }
                    original.write(bytes, offset, length);
                }
            }, true, StandardCharsets.UTF_8));
        }

        String text() {
            synchronized (copy) {
                return copy.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            System.setErr(original);
        }
    }
}
