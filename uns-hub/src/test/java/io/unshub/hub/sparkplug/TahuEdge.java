package io.unshub.hub.sparkplug;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.Metric.MetricBuilder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Sparkplug edge node driven by hand: Eclipse Tahu's encoder and decoder over an MQTT 3.1.1 Paho connection to
 * the hub's broker, with the Will (NDEATH, QoS 1) the specification asks for. Every byte is under the test's
 * control, so seq gaps, reordering, stale wills and alias-only data can be produced on purpose.
 */
final class TahuEdge implements AutoCloseable {

    /** A command the edge received. */
    record Received(String topic, SparkplugBPayload payload) {
    }

    final String group;
    final String node;
    final long bdSeq;
    private final MqttClient client;
    private final SparkplugBPayloadEncoder encoder = new SparkplugBPayloadEncoder();
    private final BlockingQueue<Received> commands = new LinkedBlockingQueue<>();
    private long seq;

    TahuEdge(int port, String clientId, String group, String node, long bdSeq) throws Exception {
        this.group = group;
        this.node = node;
        this.bdSeq = bdSeq;
        client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setWill(topic("NDEATH", null), death(), 1, false);
        client.setTimeToWait(30_000);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                commands.add(new Received(topic, new SparkplugBPayloadDecoder().buildFromByteArray(message.getPayload(), null)));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options);
        client.subscribe("spBv1.0/" + group + "/NCMD/" + node, 1);
        client.subscribe("spBv1.0/" + group + "/DCMD/" + node + "/+", 1);
    }

    String topic(String verb, String device) {
        return "spBv1.0/" + group + "/" + verb + "/" + node + (device == null ? "" : "/" + device);
    }

    byte[] death() throws Exception {
        return encoder.getBytes(new SparkplugBPayloadBuilder().setTimestamp(new Date())
                .addMetric(new MetricBuilder("bdSeq", MetricDataType.Int64, bdSeq).createMetric()).createPayload(), false);
    }

    static Metric metric(String name, MetricDataType type, Object value) throws Exception {
        return new MetricBuilder(name, type, value).timestamp(new Date()).createMetric();
    }

    static Metric aliased(String name, long alias, MetricDataType type, Object value) throws Exception {
        return new MetricBuilder(name, type, value).alias(alias).timestamp(new Date()).createMetric();
    }

    static Metric byAlias(long alias, MetricDataType type, Object value) throws Exception {
        return new MetricBuilder(alias, type, value).timestamp(new Date()).createMetric();
    }

    /** NBIRTH with seq 0, bdSeq and Node Control/Rebirth, then the given metrics. */
    void nbirth(Metric... metrics) throws Exception {
        seq = 0;
        List<Metric> all = new ArrayList<>();
        all.add(metric("bdSeq", MetricDataType.Int64, bdSeq));
        all.add(metric("Node Control/Rebirth", MetricDataType.Boolean, false));
        all.addAll(List.of(metrics));
        send("NBIRTH", null, seq++, false, all);
    }

    /** The next message in sequence; DATA leaves the datatypes out like real Tahu edges do. */
    void next(String verb, String device, Metric... metrics) throws Exception {
        send(verb, device, seq++, verb.endsWith("DATA"), List.of(metrics));
    }

    /** Takes a seq number without sending anything: the hub sees a gap. */
    long skip() {
        return seq++;
    }

    void send(String verb, String device, long withSeq, boolean stripDatatypes, List<Metric> metrics) throws Exception {
        SparkplugBPayloadBuilder b = new SparkplugBPayloadBuilder().setTimestamp(new Date()).setSeq(withSeq);
        metrics.forEach(b::addMetric);
        client.publish(topic(verb, device), encoder.getBytes(b.createPayload(), stripDatatypes), 0, false);
    }

    /** The next message in sequence, DEFLATE-compressed the way Tahu peers do ({@code SPBV1.0_COMPRESSED}). */
    void nextCompressed(String verb, String device, Metric... metrics) throws Exception {
        SparkplugBPayloadBuilder b = new SparkplugBPayloadBuilder().setTimestamp(new Date()).setSeq(seq++);
        List.of(metrics).forEach(b::addMetric);
        SparkplugBPayload compressed = org.eclipse.tahu.util.PayloadUtil.compress(b.createPayload(), true);
        client.publish(topic(verb, device), encoder.getBytes(compressed, false), 0, false);
    }

    /** Closes the socket without DISCONNECT: the broker publishes the Will (NDEATH). */
    void kill() throws Exception {
        client.disconnectForcibly(0, 1000, false);
        client.close(true);
    }

    /** The next received command that matches, or null after the timeout. */
    Received awaitCommand(Predicate<Received> match, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Received r = commands.poll(left, TimeUnit.NANOSECONDS);
            if (r != null && match.test(r)) {
                return r;
            }
        }
        return null;
    }

    static boolean isRebirth(Received r) {
        return r.payload().getMetrics().stream().anyMatch(m -> "Node Control/Rebirth".equals(m.getName())
                && Boolean.TRUE.equals(m.getValue()) && m.getDataType() == MetricDataType.Boolean);
    }

    @Override
    public void close() throws Exception {
        if (client.isConnected()) {
            client.disconnect(1000);
        }
        client.close(true);
    }
}
