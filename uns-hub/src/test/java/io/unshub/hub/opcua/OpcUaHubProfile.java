package io.unshub.hub.opcua;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.unshub.opcua.testing.SimulatedPlc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Runs the hub with one OPC UA connection to a simulated PLC (a real Milo server in the test JVM). */
public class OpcUaHubProfile implements QuarkusTestProfile {

    static final SimulatedPlc PLC = new SimulatedPlc().start();
    static final Path FILE = Path.of("target", "test-opcua", "opcua.yaml").toAbsolutePath();

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, """
                    opcua:
                      connections:
                        - name: plc1
                          endpoint: "%s"
                          location: acme/dallas/press/line1
                          reconnect: { initialMs: 50, maxMs: 500 }
                          subscription: { publishingIntervalMs: 50 }
                          nodes:
                            - nodeId: "nsu=%2$s;s=Line1/Temperature"
                              tag: cell1/_edge/temperature
                              unit: degC
                            - nodeId: "nsu=%2$s;s=Line1/Missing"
                              tag: cell1/_edge/missing
                          writes:
                            - topic: acme/dallas/press/line1/cell1/_cmd/setpoint
                              nodeId: "nsu=%2$s;s=Line1/Setpoint"
                              dataType: Double
                    """.formatted(PLC.endpoint(), SimulatedPlc.NAMESPACE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("uns.opcua.file", FILE.toString(),
                "uns.opcua.pki-dir", Path.of("target", "test-opcua", "pki").toAbsolutePath().toString());
    }
}
