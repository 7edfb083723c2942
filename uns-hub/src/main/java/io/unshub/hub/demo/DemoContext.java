package io.unshub.hub.demo;

import io.unshub.core.bus.UnsBus;

import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a {@link DemoSource} may use.
 *
 * @param bus       the hub's publish funnel; demo values enter with {@code Origin.internal(<source name>)}
 * @param scheduler one shared thread for periodic demo work; never block it
 * @param mqttHost  where the broker's MQTT listener can be reached from inside the process (for sources
 *                  that are network clients, such as a simulated Sparkplug edge node)
 * @param mqttPort  the bound MQTT over TCP port, or -1 when that listener is off
 * @param dataDir   the hub's data directory; a source that needs files (e.g. an OPC UA server's PKI) keeps
 *                  them under {@code <dataDir>/demo/<name>}
 */
public record DemoContext(UnsBus bus, ScheduledExecutorService scheduler, String mqttHost, int mqttPort,
                          Path dataDir) {
}
