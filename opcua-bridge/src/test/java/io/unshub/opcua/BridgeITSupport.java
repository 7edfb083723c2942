package io.unshub.opcua;

import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.opcua.config.BridgeConfig;
import io.unshub.opcua.config.BridgeConfigLoader;
import io.unshub.opcua.testing.BusRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real broker, a bus recorder on everything, and a bridge started from YAML text; stopped after each test. */
@ExtendWith(NoLeaks.class)
abstract class BridgeITSupport {

    @RegisterExtension
    final BrokerFixture broker = new BrokerFixture();

    @TempDir
    Path dataDir;

    OpcUaBridge bridge;
    BusRecorder recorder;

    OpcUaBridge startBridge(String yaml) throws Exception {
        return startBridge(yaml, Map.of());
    }

    OpcUaBridge startBridge(String yaml, Map<String, String> env) throws Exception {
        BridgeConfig config = new BridgeConfigLoader(env::get).parse("opcua.yaml", yaml);
        if (recorder == null) {
            recorder = new BusRecorder(broker.broker().bus(), "#");
        }
        bridge = new OpcUaBridge(config, dataDir.resolve("opcua/pki"), "urn:unshub:test-hub", broker.broker().bus());
        bridge.start();
        return bridge;
    }

    @AfterEach
    void stopBridge() {
        if (bridge != null) {
            bridge.stop(Duration.ofSeconds(2));
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    /** A connection block with fast timing for tests. */
    static String connection(String name, String endpoint, String extra) {
        return """
                opcua:
                  connections:
                    - name: %s
                      endpoint: "%s"
                      location: acme/dallas/press/line1
                      reconnect: { initialMs: 50, maxMs: 200, jitter: 0.2 }
                      session: { requestTimeoutMs: 2000, keepAliveMs: 500, keepAliveFailures: 1 }
                      subscription: { publishingIntervalMs: 20, maxMonitoredItemsPerCall: 7 }
                %s
                """.formatted(name, endpoint, extra.indent(6));
    }
}
