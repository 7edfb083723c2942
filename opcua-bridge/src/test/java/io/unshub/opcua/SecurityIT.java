package io.unshub.opcua;

import io.unshub.opcua.connection.ConnectionState;
import io.unshub.opcua.connection.OpcUaConnection;
import io.unshub.opcua.pki.CertificateInfo;
import io.unshub.opcua.testing.SimulatedPlc;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Basic256Sha256 SignAndEncrypt with the hub's generated certificate, the trust list and username login. */
class SecurityIT extends BridgeITSupport {

    private static final String LOC = "acme/dallas/press/line1";
    private SimulatedPlc plc;

    @BeforeEach
    void startPlc() {
        plc = new SimulatedPlc(SecurityPolicy.Basic256Sha256).start();
    }

    @AfterEach
    void stopPlc() {
        plc.close();
    }

    private String secure(String security) {
        return connection("secure", plc.endpoint(), """
                security: { policy: Basic256Sha256, mode: SignAndEncrypt%s }
                auth: { type: username, username: "${PLC_USER}", password: "${PLC_PASSWORD}" }
                nodes:
                  - nodeId: "nsu=%s;s=Line1/Running"
                    tag: cell1/_edge/running
                """.formatted(security, SimulatedPlc.NAMESPACE));
    }

    private static final Map<String, String> ENV = Map.of("PLC_USER", SimulatedPlc.USER,
            "PLC_PASSWORD", SimulatedPlc.PASSWORD);

    private OpcUaConnection connection() {
        return bridge.connections().get(0);
    }

    @Test
    void trustedServerWithUsernameLoginDeliversValuesOverAnEncryptedChannel() throws Exception {
        Path trusted = dataDir.resolve("opcua/pki/trusted");
        Files.createDirectories(trusted);
        Files.write(trusted.resolve("plc.der"), plc.certificate().getEncoded());
        startBridge(secure(""), ENV);
        await().atMost(Duration.ofSeconds(15)).until(() -> connection().state() == ConnectionState.connected);
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().retained()
                .get(LOC + "/cell1/_edge/running") != null);
        var status = connection().status();
        assertThat(status.securityPolicy()).isEqualTo(SecurityPolicy.Basic256Sha256.getUri());
        assertThat(status.securityMode()).isEqualTo("SignAndEncrypt");
        assertThat(status.serverCertificate().subject()).contains("Simulated PLC");
        // The hub's own certificate was generated on first start, for operators to trust on the PLC.
        assertThat(dataDir.resolve("opcua/pki/own/hub.p12")).exists();
        assertThat(dataDir.resolve("opcua/pki/own/hub.der")).exists();
        assertThat(bridge.rejectedCertificates()).isEmpty();
    }

    @Test
    void untrustedServerCertificateIsRejectedKeptAndListed() throws Exception {
        startBridge(secure(""), ENV);
        await().atMost(Duration.ofSeconds(15)).until(() -> !bridge.rejectedCertificates().isEmpty());
        CertificateInfo rejected = bridge.rejectedCertificates().get(0);
        assertThat(rejected.subject()).contains("Simulated PLC");
        assertThat(rejected.file()).isEqualTo(rejected.sha256() + ".der");
        await().atMost(Duration.ofSeconds(5)).until(() -> connection().status().lastError() != null);
        assertThat(connection().status().lastError()).contains("Bad_SecurityChecksFailed");
        assertThat(connection().state()).isEqualTo(ConnectionState.reconnecting);
        assertThat(broker.broker().retained().get(LOC + "/cell1/_edge/running")).isNull();

        // The operator moves the rejected certificate into the trust list: the next attempt succeeds.
        Path trusted = Files.createDirectories(dataDir.resolve("opcua/pki/trusted"));
        Files.move(bridge.rejectedDir().resolve(rejected.file()), trusted.resolve(rejected.file()));
        await().atMost(Duration.ofSeconds(15)).until(() -> connection().state() == ConnectionState.connected);
    }

    @Test
    void trustOnFirstUseStoresTheFirstCertificate() throws Exception {
        startBridge(secure(", trustOnFirstUse: true"), ENV);
        await().atMost(Duration.ofSeconds(15)).until(() -> connection().state() == ConnectionState.connected);
        try (var files = Files.list(dataDir.resolve("opcua/pki/trusted"))) {
            assertThat(files.count()).isEqualTo(1);
        }
        assertThat(bridge.rejectedCertificates()).isEmpty();
    }

    @Test
    void x509UserIdentityFromAKeyStore() throws Exception {
        Path trusted = Files.createDirectories(dataDir.resolve("opcua/pki/trusted"));
        Files.write(trusted.resolve("plc.der"), plc.certificate().getEncoded());
        Path keyStore = dataDir.resolve("operator.p12");
        plc.writeUserKeyStore(keyStore, "changeit");
        startBridge(connection("secure", plc.endpoint(), """
                security: { policy: Basic256Sha256, mode: SignAndEncrypt }
                auth: { type: x509, keyStore: "%s", keyStorePassword: "${KS_PASSWORD}" }
                nodes:
                  - nodeId: "nsu=%s;s=Line1/Running"
                    tag: cell1/_edge/running
                """.formatted(keyStore, SimulatedPlc.NAMESPACE)), Map.of("KS_PASSWORD", "changeit"));
        await().atMost(Duration.ofSeconds(15)).until(() -> connection().state() == ConnectionState.connected);
    }

    @Test
    void wrongPasswordIsReportedAndRetried() throws Exception {
        Path trusted = Files.createDirectories(dataDir.resolve("opcua/pki/trusted"));
        Files.write(trusted.resolve("plc.der"), plc.certificate().getEncoded());
        startBridge(secure(""), Map.of("PLC_USER", SimulatedPlc.USER, "PLC_PASSWORD", "wrong"));
        await().atMost(Duration.ofSeconds(15)).until(() -> connection().status().lastError() != null);
        assertThat(connection().status().lastError()).contains("Bad_UserAccessDenied");
        assertThat(connection().state()).isEqualTo(ConnectionState.reconnecting);
    }
}
