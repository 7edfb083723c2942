package io.unshub.hub.ops;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * The hub as the container runs it: the shipped example config (deploy/config), the demo profile on and anonymous
 * clients refused (deploy/.env.example's UNS_AUTH_ANONYMOUS=none, so the demo must work without them). The
 * demo PLC gets a free port instead of 4840 so that test runs never collide; deploy/config/opcua.yaml follows
 * it through {@code ${uns.opcua.demo-plc-port}}.
 */
public class DemoProfile implements QuarkusTestProfile {

    static final String CONFIG_DIR = "../deploy/config";
    static final int PLC_PORT = freePort();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("uns.config-dir", CONFIG_DIR, "uns.demo", "true", "uns.auth.anonymous", "none",
                "uns.opcua.demo-plc-port", Integer.toString(PLC_PORT));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
