package io.unshub.hub.opcua;

import io.unshub.hub.config.InvalidConfigException;
import io.unshub.hub.config.OpcUaConfig;
import io.unshub.hub.config.UnsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up refuses a broken or missing opcua.yaml naming key, file, line and YAML key; no file = no connections. */
class OpcUaRuntimeConfigTest {

    private static OpcUaConfig opcua(Optional<String> file) {
        return new OpcUaConfig() {
            public boolean enabled() {
                return true;
            }

            public Optional<String> file() {
                return file;
            }

            public String applicationUri() {
                return "urn:test";
            }

            public Optional<String> pkiDir() {
                return Optional.empty();
            }

            public Duration stopTimeout() {
                return Duration.ofSeconds(1);
            }

            public int demoPlcPort() {
                return 4840;
            }
        };
    }

    private static UnsConfig uns(Path dir) {
        return (UnsConfig) Proxy.newProxyInstance(UnsConfig.class.getClassLoader(), new Class<?>[]{UnsConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "configDir", "dataDir" -> dir.toString();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void noDefaultFileMeansNoConnections(@TempDir Path dir) {
        assertThat(new OpcUaRuntime(opcua(Optional.empty()), uns(dir)).bridgeConfig().connections()).isEmpty();
    }

    @Test
    void aConfiguredFileThatIsMissingFailsStartUp(@TempDir Path dir) {
        assertThatThrownBy(() -> new OpcUaRuntime(opcua(Optional.of(dir + "/nope.yaml")), uns(dir)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("Invalid configuration uns.opcua.file: the OPC UA connections file")
                .hasMessageContaining("does not exist");
    }

    @Test
    void aBadKeyNamesFileLineAndKey(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("opcua.yaml"), """
                opcua:
                  connections:
                    - name: plc1
                      endpoint: opc.tcp://127.0.0.1:4840
                      location: acme/plant1
                      timestamp: hub
                """);
        assertThatThrownBy(() -> new OpcUaRuntime(opcua(Optional.empty()), uns(dir)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("uns.opcua.file: " + dir.resolve("opcua.yaml")
                        + ":6: opcua.connections[0].timestamp: must be one of source, server, was 'hub'");
    }
}
