package io.unshub.bench.opcua;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.unshub.broker.Broker;
import io.unshub.broker.config.BrokerConfig;
import io.unshub.opcua.OpcUaBridge;
import io.unshub.opcua.config.BridgeConfig;
import io.unshub.opcua.config.BridgeConfigLoader;
import io.unshub.opcua.testing.SimulatedPlc;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * OPC UA to MQTT through the hub: a simulated PLC (a real Milo server, in process) changes {@code tags} Double
 * variables every {@code intervalMs}; the bridge subscribes to all of them (sampling and publishing at that
 * interval) and publishes through the broker; an MQTT 5 subscriber counts the values and records the latency
 * from the value's source timestamp (set when the PLC changed it) to its arrival. Everything shares one JVM and
 * this machine's cores, so the numbers are an upper bound on the cost, not a PLC's speed.
 *
 * <p>Usage: {@code OpcUaThroughput [tags=2000] [intervalMs=50] [seconds=15]}
 */
public final class OpcUaThroughput {

    public static void main(String[] args) throws Exception {
        int tags = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int intervalMs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;

        Broker broker = new Broker(BrokerConfig.ephemeral().withSysInterval(Duration.ZERO));
        broker.start();
        SimulatedPlc plc = new SimulatedPlc(tags).start();
        BridgeConfig config = new BridgeConfigLoader().parse("bench", """
                opcua:
                  connections:
                    - name: bench
                      endpoint: "%s"
                      location: acme/bench/press/line1
                      subscription: { publishingIntervalMs: %d, maxMonitoredItemsPerCall: 1000 }
                      nodes:
                        - browse: { root: "nsu=%s;s=Bulk", depth: 1 }
                          tagPrefix: _edge/plc
                          samplingIntervalMs: %d
                          queueSize: 1
                """.formatted(plc.endpoint(), intervalMs, SimulatedPlc.NAMESPACE, intervalMs));
        Path pki = Files.createTempDirectory("opcua-bench");
        OpcUaBridge bridge = new OpcUaBridge(config, pki, "urn:unshub:bench", broker.bus());

        LongAdder received = new LongAdder();
        Recorder latency = new Recorder(3);
        Mqtt5AsyncClient subscriber = Mqtt5Client.builder().identifier("bench-sub").serverHost("127.0.0.1")
                .serverPort(broker.tcpPort()).buildAsync();
        subscriber.connect().get(10, TimeUnit.SECONDS);
        subscriber.subscribeWith().topicFilter("acme/bench/press/line1/_edge/plc/#").qos(MqttQos.AT_MOST_ONCE)
                .callback(publish -> {
                    long now = System.currentTimeMillis();
                    long stamp = timestamp(publish.getPayload().orElseThrow());
                    if (stamp > 0) {
                        latency.recordValue(Math.max(0, now - stamp) * 1000);
                    }
                    received.increment();
                }).send().get(10, TimeUnit.SECONDS);

        bridge.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (bridge.connections().get(0).status().items() < tags && System.nanoTime() < deadline) {
            Thread.sleep(100); // bench start-up only: waiting for the server to accept every item
        }
        System.out.printf("items created: %d of %d%n", bridge.connections().get(0).status().items(), tags);

        ScheduledExecutorService updater = Executors.newSingleThreadScheduledExecutor();
        double[] counter = {0};
        updater.scheduleAtFixedRate(() -> {
            counter[0]++;
            DateTime now = DateTime.now();
            for (int i = 0; i < tags; i++) {
                plc.set(SimulatedPlc.bulkName(i), counter[0] + i, now);
            }
        }, 0, intervalMs, TimeUnit.MILLISECONDS);

        Thread.sleep(3000); // warm-up
        received.reset();
        latency.reset();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long count = received.sum();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Histogram h = latency.getIntervalHistogram();
        System.out.printf("tags=%d intervalMs=%d offered=%.0f/s delivered=%.0f/s latency ms p50=%.1f p90=%.1f "
                        + "p99=%.1f p99.9=%.1f max=%.1f%n", tags, intervalMs, tags * 1000.0 / intervalMs,
                count / elapsed, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0);

        updater.shutdownNow();
        subscriber.disconnect().get(5, TimeUnit.SECONDS);
        bridge.stop(Duration.ofSeconds(2));
        plc.stop();
        broker.stop();
        System.exit(0);
    }

    /** The {@code timestamp_ms} of a UNS value, read without a JSON parser. */
    private static long timestamp(ByteBuffer payload) {
        byte[] key = "\"timestamp_ms\":".getBytes();
        int limit = payload.limit();
        outer:
        for (int i = payload.position(); i < limit - key.length; i++) {
            for (int k = 0; k < key.length; k++) {
                if (payload.get(i + k) != key[k]) {
                    continue outer;
                }
            }
            long v = 0;
            for (int j = i + key.length; j < limit; j++) {
                byte b = payload.get(j);
                if (b < '0' || b > '9') {
                    break;
                }
                v = v * 10 + (b - '0');
            }
            return v;
        }
        return -1;
    }
}
