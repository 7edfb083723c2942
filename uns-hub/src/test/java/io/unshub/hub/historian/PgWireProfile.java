package io.unshub.hub.historian;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The historian's PostgreSQL wire listener on, on a free loopback port. */
public class PgWireProfile implements QuarkusTestProfile {

    static final String PASSWORD = "pg-test-password";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("uns.historian.pg.enabled", "true", "uns.historian.pg.port", "0",
                "uns.historian.pg.password", PASSWORD);
    }
}
