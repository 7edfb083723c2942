package io.unshub.opcua.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BridgeConfigLoaderTest {

    private static final Map<String, String> ENV = Map.of("OPCUA_LINE1_USER", "operator",
            "OPCUA_LINE1_PASSWORD", "pw");
    private final BridgeConfigLoader loader = new BridgeConfigLoader(ENV::get);

    @Test
    void theExampleConfigLoads() throws Exception {
        Path example = Path.of("../examples/opcua/opcua.yaml");
        assertThat(example).exists();
        BridgeConfig config = loader.load(example);
        assertThat(config.connections()).isNotEmpty();
        ConnectionConfig first = config.connections().get(0);
        assertThat(first.auth().username()).isEqualTo("operator");
        assertThat(first.auth().password()).isEqualTo("pw");
        assertThat(first.auth().toString()).doesNotContain("pw");
        assertThat(first.security().policy()).isEqualTo(ConnectionConfig.Policy.Basic256Sha256);
        assertThat(first.tags()).isNotEmpty();
        assertThat(first.browses()).isNotEmpty();
        assertThat(first.writes()).isNotEmpty();
    }

    @Test
    void emptyFileMeansNoConnections() throws Exception {
        assertThat(loader.parse("opcua.yaml", "").connections()).isEmpty();
        assertThat(loader.parse("opcua.yaml", "opcua:\n  connections: []\n").connections()).isEmpty();
    }

    private static final String GOOD = """
            opcua:
              connections:
                - name: plc1
                  endpoint: opc.tcp://10.0.0.5:4840
                  location: acme/plant1/press/line1
            """;

    @Test
    void defaultsAreFilledIn() throws Exception {
        ConnectionConfig c = loader.parse("opcua.yaml", GOOD).connections().get(0);
        assertThat(c.security().policy()).isEqualTo(ConnectionConfig.Policy.None);
        assertThat(c.auth().type()).isEqualTo(ConnectionConfig.AuthType.anonymous);
        assertThat(c.timestamp()).isEqualTo(ConnectionConfig.TimestampSource.source);
        assertThat(c.stateTopic()).isEqualTo("acme/plant1/press/line1/_meta/opcua/plc1/state");
    }

    @Test
    void dottedReferencesAreResolvedByTheResolverToo() throws Exception {
        // The hub resolves ${uns.some-key} from its own configuration, e.g. the demo PLC's port.
        BridgeConfigLoader hubLike = new BridgeConfigLoader(Map.of("uns.demo-port", "4841")::get);
        ConnectionConfig c = hubLike.parse("opcua.yaml", GOOD.replace("10.0.0.5:4840", "127.0.0.1:${uns.demo-port}/plc"))
                .connections().get(0);
        assertThat(c.endpoint()).isEqualTo("opc.tcp://127.0.0.1:4841/plc");
        assertThatThrownBy(() -> hubLike.parse("opcua.yaml", GOOD.replace("10.0.0.5:4840", "h:${uns.nope}")))
                .isInstanceOf(OpcUaConfigException.class)
                .hasMessage("opcua.yaml:4: opcua.connections[0].endpoint: configuration property uns.nope is not set");
    }

    private void assertRefused(String yaml, String message) {
        assertThatThrownBy(() -> loader.parse("opcua.yaml", yaml)).isInstanceOf(OpcUaConfigException.class)
                .hasMessage(message);
    }

    @Test
    void mistakesNameFileLineAndKey() {
        assertRefused(GOOD + "      sesion: {}\n", "opcua.yaml:6: opcua.connections[0].sesion: unknown key (allowed: "
                + "auth, endpoint, location, name, nodes, overrideHostname, reconnect, security, session, subscription, "
                + "timestamp, writes)");
        assertRefused(GOOD + "      nodes:\n        - nodeId: \"ns=2;x=oops\"\n          tag: a/_edge/b\n",
                "opcua.yaml:7: opcua.connections[0].nodes[0].nodeId: not a NodeId ('nsu=<namespace uri>;s=<name>', "
                        + "'ns=<index>;i=<number>', ...): 'ns=2;x=oops'");
        assertRefused(GOOD + "      auth: { type: username, username: u, password: \"${NOPE}\" }\n",
                "opcua.yaml:6: opcua.connections[0].auth.password: environment variable NOPE is not set");
        assertRefused(GOOD + "      security: { policy: Basic256Sha256, mode: None }\n",
                "opcua.yaml:6: opcua.connections[0].security: policy None goes with mode None only "
                        + "(policy Basic256Sha256, mode None)");
        assertRefused(GOOD + "      security: { policy: Basic128 }\n",
                "opcua.yaml:6: opcua.connections[0].security.policy: must be one of None, Basic256Sha256, "
                        + "Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss, was 'Basic128'");
        assertRefused(GOOD + "      nodes:\n        - nodeId: i=2258\n          tag: a/+/b\n",
                "opcua.yaml:8: opcua.connections[0].nodes[0].tag: must be a topic path without wildcards, '$' or "
                        + "empty levels, was 'a/+/b'");
        assertRefused(GOOD + "      nodes:\n        - nodeId: i=2258\n",
                "opcua.yaml:7: opcua.connections[0].nodes[0].tag: is required");
        assertRefused(GOOD + "      writes:\n        - { topic: a/b/c, nodeId: i=1, dataType: Double }\n",
                "opcua.yaml:7: opcua.connections[0].writes[0].topic: a command topic must have a _cmd segment, "
                        + "was a/b/c");
        assertRefused(GOOD + "      nodes:\n        - { nodeId: i=1, tag: x/_edge/y, deadband: { type: percent, value: 150 } }\n",
                "opcua.yaml:7: opcua.connections[0].nodes[0].deadband.value: a percent deadband must be between 0 "
                        + "and 100, was 150.0");
        assertRefused(GOOD + GOOD.substring(GOOD.indexOf("    - name")),
                "opcua.yaml:6: opcua.connections[1]: a second connection named 'plc1'");
        assertRefused("opcua: [\n", "opcua.yaml:2: not valid YAML: expected the node content, but found '<stream end>'");
    }

    @Test
    void anUnreadableFileIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path missing = dir.resolve("opcua.yaml");
        assertThatThrownBy(() -> loader.load(missing)).isInstanceOf(OpcUaConfigException.class)
                .hasMessageStartingWith(missing + ": cannot be read");
        assertThat(Files.exists(missing)).isFalse();
    }
}
