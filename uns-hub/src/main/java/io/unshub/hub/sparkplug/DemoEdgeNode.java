package io.unshub.hub.sparkplug;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.unshub.hub.config.SparkplugConfig;
import io.unshub.hub.demo.DemoContext;
import io.unshub.hub.demo.DemoSource;
import io.unshub.hub.security.InternalClients;
import io.unshub.hub.security.SecurityRuntime;
import io.unshub.sparkplug.codec.DecodeResult;
import io.unshub.sparkplug.codec.SparkplugDecoder;
import io.unshub.sparkplug.codec.SparkplugEncoder;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.PropertySet;
import io.unshub.sparkplug.model.PropertyValue;
import io.unshub.sparkplug.model.SparkplugPayload;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The demo profile's Sparkplug B edge node: a real MQTT 3.1.1 client (HiveMQ) of the hub's own TCP listener,
 * client id and user {@value #CLIENT_ID} with role {@value #ROLE} and a password that exists only in this process
 * ({@link InternalClients}), so it logs in whatever {@code uns.auth.anonymous} says; the example ACL gives that
 * role the Sparkplug namespace. Edge node
 * {@value #GROUP}/{@value #NODE} with devices {@code booth1} and {@code booth2} of a paint line, six metrics each
 * (Float, Double, Int64, Boolean, String; units as {@code engUnit} properties). It connects with an NDEATH will
 * carrying its bdSeq, publishes NBIRTH and DBIRTHs, then DDATA with the changed metrics every second (seq wraps
 * at 256), rebirths every {@code uns.sparkplug.demo-rebirth-interval} and on {@code Node Control/Rebirth}, and
 * takes DCMD writes to {@value #SETPOINT}, which the booth's temperature then follows. The example namespace
 * maps it onto {@code acme/dallas/paint/line1/<booth>/...}, so a command on
 * {@code acme/dallas/paint/line1/booth1/_cmd/setpoint/temperature} goes round through the Sparkplug host.
 *
 * <p>Threading: every field is owned by the demo scheduler's single thread after {@link #start}: the ticks,
 * the MQTT callbacks (delivered on that executor) and the connection's completion all run there; start and
 * stop run on the start-up and shutdown threads and hand their work to it.
 */
@ApplicationScoped
public class DemoEdgeNode implements DemoSource {

    static final String NAME = "sparkplug-edge";
    static final String GROUP = "acme-dallas";
    static final String NODE = "paint-line1";
    static final String CLIENT_ID = "uns-demo-edge";
    static final String ROLE = "sparkplug-edge";
    static final String SETPOINT = "setpoint/temperature";
    static final List<String> DEVICES = List.of("booth1", "booth2");
    static final long PERIOD_MILLIS = 1_000;
    private static final String PREFIX = "spBv1.0/" + GROUP + "/";
    private static final String[] RECIPES = {"primer-grey", "topcoat-red", "topcoat-blue", "clearcoat"};
    private static final Logger LOG = Logger.getLogger(DemoEdgeNode.class);

    private final SparkplugConfig config;
    private final SecurityRuntime security;
    private final SparkplugEncoder encoder = new SparkplugEncoder();
    private final SparkplugDecoder decoder = new SparkplugDecoder();
    private final Random random = new Random(3);
    private final List<Booth> booths = new ArrayList<>();
    private ScheduledExecutorService scheduler;
    private Mqtt3AsyncClient client;
    private byte[] password;
    private ScheduledFuture<?> task;
    private String endpoint = "";
    private long bdSeq = -1;
    private int seq;
    private boolean connecting;
    private boolean born;
    private boolean stopped;
    private long ticks;
    private long nextRebirthTick;
    private int failedConnects;
    private int ticksToReconnect;

    DemoEdgeNode(SparkplugConfig config, SecurityRuntime security) {
        this.config = config;
        this.security = security;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        long rebirth = config.demoRebirthInterval().toSeconds();
        return "Sparkplug B edge node " + GROUP + "/" + NODE + " (devices " + String.join(", ", DEVICES) + ", "
                + DEVICES.size() * Booth.METRICS + " metrics) over MQTT " + endpoint + " as " + CLIENT_ID
                + ", DDATA every " + PERIOD_MILLIS + " ms, " + (rebirth > 0 ? "rebirth every " + rebirth + " s"
                : "rebirth on request only");
    }

    @Override
    public void start(DemoContext context) {
        if (context.mqttPort() < 0) {
            throw new IllegalStateException("the MQTT TCP listener is off (uns.mqtt.port), so an edge node cannot connect");
        }
        scheduler = context.scheduler();
        endpoint = context.mqttHost() + ":" + context.mqttPort();
        password = security.brokerAuthenticator().register(CLIENT_ID, Set.of(ROLE));
        for (int i = 0; i < DEVICES.size(); i++) {
            booths.add(new Booth(DEVICES.get(i), i));
        }
        client = Mqtt3Client.builder().identifier(CLIENT_ID).serverHost(context.mqttHost())
                .serverPort(context.mqttPort()).buildAsync();
        client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, this::onCommand, scheduler);
        // The first tick connects; a lost connection is re-made by a later tick, with the next bdSeq.
        task = scheduler.scheduleAtFixedRate(this::tick, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (task == null) {
            return;
        }
        task.cancel(false);
        try {
            // An edge node that leaves on purpose says so with its NDEATH first (a clean DISCONNECT drops the will).
            CompletableFuture<?> left = CompletableFuture.supplyAsync(this::leave, scheduler).thenCompose(f -> f);
            left.get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("demo %s: did not disconnect cleanly: %s", NAME, e.toString());
        } finally {
            // The identity lives only as long as the client: a stopped demo reserves no name.
            security.brokerAuthenticator().unregister(CLIENT_ID);
        }
    }

    private CompletableFuture<Void> leave() {
        stopped = true;
        if (!born || !client.getState().isConnected()) {
            return CompletableFuture.completedFuture(null);
        }
        born = false;
        return client.publishWith().topic(PREFIX + "NDEATH/" + NODE).qos(MqttQos.AT_LEAST_ONCE).payload(death())
                .send().thenCompose(p -> client.disconnect());
    }

    private void tick() {
        try {
            if (stopped) {
                return;
            }
            if (!client.getState().isConnected()) {
                if (!connecting && --ticksToReconnect <= 0) {
                    connect();
                }
                return;
            }
            if (!born) {
                return;
            }
            ticks++;
            long interval = config.demoRebirthInterval().toMillis() / PERIOD_MILLIS;
            if (interval > 0 && ticks >= nextRebirthTick) {
                birth("periodic rebirth");
                return;
            }
            long now = System.currentTimeMillis();
            for (Booth booth : booths) {
                send("DDATA/" + NODE + "/" + booth.id, SparkplugPayload.of(now, nextSeq(), booth.step(random, now)));
            }
        } catch (RuntimeException e) {
            // A failed tick must not cancel the schedule: the next one tries again.
            LOG.warnf(e, "demo %s: tick failed", NAME);
        }
    }

    private void connect() {
        connecting = true;
        born = false;
        bdSeq = (bdSeq + 1) % 256;
        client.connectWith().cleanSession(true).keepAlive(30)
                .simpleAuth().username(CLIENT_ID).password(password).applySimpleAuth()
                .willPublish().topic(PREFIX + "NDEATH/" + NODE).qos(MqttQos.AT_LEAST_ONCE).payload(death())
                .applyWillPublish()
                .send()
                .thenCompose(ack -> client.subscribeWith().topicFilter(PREFIX + "NCMD/" + NODE)
                        .qos(MqttQos.AT_LEAST_ONCE).send())
                .thenCompose(ack -> client.subscribeWith().topicFilter(PREFIX + "DCMD/" + NODE + "/+")
                        .qos(MqttQos.AT_LEAST_ONCE).send())
                .whenCompleteAsync((ack, failure) -> {
                    connecting = false;
                    if (stopped) {
                        return;
                    }
                    if (failure != null) {
                        // Say it once, then retry ever more slowly (up to every 32 s) instead of filling the log.
                        ticksToReconnect = 1 << Math.min(++failedConnects, 5);
                        if (failedConnects == 1) {
                            LOG.warnf("demo %s: cannot connect to %s as %s; retrying quietly: %s", NAME, endpoint,
                                    CLIENT_ID, failure.toString());
                        } else {
                            LOG.debugf("demo %s: connect attempt %d failed: %s", NAME, failedConnects, failure);
                        }
                        client.disconnect();
                        return;
                    }
                    failedConnects = 0;
                    birth("connected with bdSeq " + bdSeq);
                }, scheduler);
    }

    private byte[] death() {
        return encoder.encode(SparkplugPayload.of(System.currentTimeMillis(),
                List.of(Metric.of(SparkplugPayload.BD_SEQ, DataType.INT64, bdSeq))));
    }

    /** NBIRTH with seq 0 and the connection's bdSeq, then a DBIRTH per device. */
    private void birth(String why) {
        long now = System.currentTimeMillis();
        seq = 0;
        send("NBIRTH/" + NODE, SparkplugPayload.of(now, nextSeq(), List.of(
                Metric.of(SparkplugPayload.BD_SEQ, DataType.INT64, bdSeq),
                Metric.of(SparkplugPayload.NODE_CONTROL_REBIRTH, DataType.BOOLEAN, false))));
        for (Booth booth : booths) {
            send("DBIRTH/" + NODE + "/" + booth.id, SparkplugPayload.of(now, nextSeq(), booth.birth(now)));
        }
        born = true;
        nextRebirthTick = ticks + config.demoRebirthInterval().toMillis() / PERIOD_MILLIS;
        LOG.debugf("demo %s: births published (%s)", NAME, why);
    }

    private long nextSeq() {
        int s = seq;
        seq = (seq + 1) & 0xFF;
        return s;
    }

    private void send(String topicSuffix, SparkplugPayload payload) {
        client.publishWith().topic(PREFIX + topicSuffix).qos(MqttQos.AT_MOST_ONCE).payload(encoder.encode(payload))
                .send();
    }

    /** NCMD (rebirth) and DCMD (set point writes), on the scheduler thread. */
    private void onCommand(Mqtt3Publish publish) {
        if (stopped || !born) {
            return;
        }
        String topic = publish.getTopic().toString();
        if (!(decoder.decode(publish.getPayloadAsBytes()) instanceof DecodeResult.Decoded decoded)) {
            LOG.warnf("demo %s: undecodable command on %s ignored", NAME, topic);
            return;
        }
        SparkplugPayload payload = decoded.payload();
        if (topic.equals(PREFIX + "NCMD/" + NODE)) {
            Metric rebirth = payload.metric(SparkplugPayload.NODE_CONTROL_REBIRTH);
            if (rebirth != null && Boolean.TRUE.equals(rebirth.value())) {
                birth("Node Control/Rebirth");
            }
            return;
        }
        String device = topic.substring(topic.lastIndexOf('/') + 1);
        for (Booth booth : booths) {
            if (booth.id.equals(device)) {
                List<Metric> changed = booth.write(payload.metrics(), System.currentTimeMillis());
                if (!changed.isEmpty()) {
                    // The write is confirmed the Sparkplug way: the new value in the next DATA.
                    send("DDATA/" + NODE + "/" + booth.id,
                            SparkplugPayload.of(System.currentTimeMillis(), nextSeq(), changed));
                }
            }
        }
    }

    /** One paint booth: a temperature that follows a writable set point, airflow, a counter, door, recipe. */
    private static final class Booth {

        static final int METRICS = 6;

        final String id;
        final long aliasBase;
        float setpoint;
        float temperature;
        double airflow;
        long count;
        boolean doorOpen;
        String recipe;
        long t;

        Booth(String id, int index) {
            this.id = id;
            this.aliasBase = 100L * (index + 1);
            this.setpoint = 23f + 2 * index;
            this.temperature = setpoint;
            this.airflow = 18_000 + 1_000 * index;
            this.recipe = RECIPES[index];
        }

        List<Metric> birth(long now) {
            return List.of(metric(0, "temperature", DataType.FLOAT, temperature, "degC", now),
                    metric(1, SETPOINT, DataType.FLOAT, setpoint, "degC", now),
                    metric(2, "airflow", DataType.DOUBLE, airflow, "m3/h", now),
                    metric(3, "count/good", DataType.INT64, count, "pcs", now),
                    metric(4, "door/open", DataType.BOOLEAN, doorOpen, null, now),
                    metric(5, "recipe", DataType.STRING, recipe, null, now));
        }

        private Metric metric(int index, String name, DataType type, Object value, String unit, long now) {
            Metric m = Metric.of(name, type, value).withAlias(aliasBase + index).withTimestamp(now);
            return unit == null ? m : m.withProperties(PropertySet.EMPTY.with("engUnit", PropertyValue.of(DataType.STRING, unit)));
        }

        /** Advances one second; returns the metrics that changed, by alias as DATA usually carries them. */
        List<Metric> step(Random random, long now) {
            t++;
            List<Metric> changed = new ArrayList<>(METRICS);
            temperature = Math.round((temperature + (setpoint - temperature) * 0.2f
                    + 0.15f * (float) random.nextGaussian()) * 100) / 100f;
            changed.add(data(0, DataType.FLOAT, temperature, now));
            airflow = Math.round((18_000 + 1_500 * Math.sin(2 * Math.PI * t / 90) + 80 * random.nextGaussian()) * 10) / 10.0;
            changed.add(data(2, DataType.DOUBLE, airflow, now));
            if (!doorOpen && random.nextInt(3) > 0) {
                count++;
                changed.add(data(3, DataType.INT64, count, now));
            }
            if (doorOpen ? random.nextInt(8) == 0 : random.nextInt(120) == 0) {
                doorOpen = !doorOpen;
                changed.add(data(4, DataType.BOOLEAN, doorOpen, now));
            }
            if (random.nextInt(300) == 0) {
                recipe = RECIPES[random.nextInt(RECIPES.length)];
                changed.add(data(5, DataType.STRING, recipe, now));
            }
            return changed;
        }

        /** Applies the writable metrics of a DCMD (by alias or name); returns the new values to report. */
        List<Metric> write(List<Metric> metrics, long now) {
            List<Metric> changed = new ArrayList<>(1);
            for (Metric m : metrics) {
                boolean isSetpoint = SETPOINT.equals(m.name()) || Long.valueOf(aliasBase + 1).equals(m.alias());
                if (isSetpoint && m.value() instanceof Number n) {
                    setpoint = n.floatValue();
                    changed.add(data(1, DataType.FLOAT, setpoint, now));
                } else {
                    LOG.infof("demo %s: DCMD for %s metric %s ignored: only %s is writable", NAME, id,
                            m.name() != null ? m.name() : "alias " + m.alias(), SETPOINT);
                }
            }
            return changed;
        }

        private Metric data(int index, DataType type, Object value, long now) {
            return Metric.ofAlias(aliasBase + index, type, value).withTimestamp(now);
        }
    }
}
