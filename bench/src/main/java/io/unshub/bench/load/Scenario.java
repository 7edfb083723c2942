package io.unshub.bench.load;

import java.util.Arrays;
import java.util.stream.Collectors;

enum Scenario {
    FAN_IN("fan-in"),
    FAN_OUT("fan-out"),
    P2P("p2p"),
    LATENCY("latency"),
    IDLE("idle");

    private final String cliName;

    Scenario(String cliName) {
        this.cliName = cliName;
    }

    String cliName() {
        return cliName;
    }

    static Scenario fromCliName(String name) {
        for (Scenario scenario : values()) {
            if (scenario.cliName.equals(name)) {
                return scenario;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + name + "', expected one of "
                + Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(", ")));
    }
}
