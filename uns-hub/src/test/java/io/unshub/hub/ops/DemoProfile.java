package io.unshub.hub.ops;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The hub as the container runs it: the shipped example config (deploy/config) and the demo profile on. */
public class DemoProfile implements QuarkusTestProfile {

    static final String CONFIG_DIR = "../deploy/config";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("uns.config-dir", CONFIG_DIR, "uns.demo", "true");
    }
}
