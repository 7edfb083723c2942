package io.unshub.hub.demo;

import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A plain-MQTT plant for the demo: the lines and cells of the example two-site enterprise
 * ({@code examples/namespace/two-site-enterprise.yaml}) publish changing values once a second, in the
 * hub's value shape, retained, through the bus: machine values on {@code .../<cell>/_edge/...}, a state per
 * line on {@code .../<line>/_state/status} and an OEE per area on {@code .../<area>/_kpi/oee}. A line now and
 * then stops for a few seconds (speed 0, counters still), so the state changes too.
 *
 * <p>Threading: {@link #tick} runs on the demo scheduler's single thread, which owns every field after
 * {@link #start}; start and stop run on the start-up and shutdown threads.
 */
@ApplicationScoped
public class UnsSimulator implements DemoSource {

    static final String NAME = "uns-simulator";
    static final long PERIOD_MILLIS = 1_000;
    private static final Logger LOG = Logger.getLogger(UnsSimulator.class);
    private static final Origin ORIGIN = Origin.internal("demo-" + NAME);

    /** Lines of the example model and their cells; press lines have presses, assembly lines screwdrivers. */
    private static final String[][] PLANT = {
            {"acme/dallas/press/line1", "cell1", "cell2", "cell3"},
            {"acme/dallas/press/line2", "cell1", "cell2"},
            {"acme/dallas/assembly/line1", "cell1", "cell2", "cell3", "cell4"},
            {"acme/dallas/assembly/line2", "cell1", "cell2", "cell3", "cell4"},
            {"acme/monterrey/press/line1", "cell1", "cell2"},
            {"acme/monterrey/assembly/line1", "cell1", "cell2", "cell3"},
    };

    private final List<Line> lines = new ArrayList<>();
    private final Random random = new Random(42);
    private UnsBus bus;
    private ScheduledFuture<?> task;
    private long tick;
    private long rejected;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return PLANT.length + " lines with " + cellCount() + " cells of the two-site example (acme/dallas, "
                + "acme/monterrey), values every " + PERIOD_MILLIS + " ms";
    }

    /** Topics this source publishes, for tests and the README. */
    public static List<String> topics() {
        List<String> topics = new ArrayList<>();
        for (String[] plan : PLANT) {
            Line line = new Line(plan);
            for (Cell cell : line.cells) {
                for (Tag tag : cell.tags) {
                    topics.add(tag.topic);
                }
            }
            topics.add(line.stateTopic);
        }
        for (String area : areas()) {
            topics.add(area + "/_kpi/oee");
        }
        return topics;
    }

    private static int cellCount() {
        int cells = 0;
        for (String[] plan : PLANT) {
            cells += plan.length - 1;
        }
        return cells;
    }

    private static List<String> areas() {
        List<String> areas = new ArrayList<>();
        for (String[] plan : PLANT) {
            String area = plan[0].substring(0, plan[0].lastIndexOf('/'));
            if (!areas.contains(area)) {
                areas.add(area);
            }
        }
        return areas;
    }

    @Override
    public void start(DemoContext context) {
        this.bus = context.bus();
        for (String[] plan : PLANT) {
            lines.add(new Line(plan));
        }
        task = context.scheduler().scheduleAtFixedRate(this::tick, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            double t = tick++ * PERIOD_MILLIS / 1000.0;
            for (Line line : lines) {
                line.step(random);
                for (Cell cell : line.cells) {
                    for (Tag tag : cell.tags) {
                        publish(tag.topic, tag.next(t, line.running, random, now));
                    }
                }
                publish(line.stateTopic, "{\"state\":\"" + (line.running ? "running" : "idle")
                        + "\",\"timestamp_ms\":" + now + "}");
            }
            for (String area : areas()) {
                double oee = 0;
                int count = 0;
                for (Line line : lines) {
                    if (line.path.startsWith(area + "/")) {
                        oee += line.oee();
                        count++;
                    }
                }
                publish(area + "/_kpi/oee", value(oee / count, now, "%", "Float"));
            }
        } catch (RuntimeException e) {
            // A failed tick must not cancel the schedule: the next one tries again.
            LOG.warnf(e, "demo %s: tick failed", NAME);
        }
    }

    private void publish(String topic, String json) {
        PublishOutcome outcome = bus.publish(UnsMessage.of(topic, json.getBytes(StandardCharsets.UTF_8), 0, true,
                MessageProperties.NONE, ORIGIN));
        if (outcome instanceof PublishOutcome.Rejected r && rejected++ % 1000 == 0) {
            // The namespace in force is not the example's: say so, but not once a second per topic.
            LOG.warnf("demo %s: %s refused (0x%02x %s); the demo publishes for the two-site example model "
                    + "(examples/namespace/two-site-enterprise.yaml)", NAME, topic, r.reasonCode(), r.reason());
        }
    }

    static String value(double value, long timestampMs, String unit, String datatype) {
        String number = datatype.equals("Float") ? String.format(Locale.ROOT, "%.2f", value)
                : Long.toString(Math.round(value));
        return "{\"value\":" + number + ",\"timestamp_ms\":" + timestampMs + ",\"quality\":\"good\",\"unit\":\""
                + unit + "\",\"datatype\":\"" + datatype + "\"}";
    }

    /** A line: its cells, whether it runs, and the ticks it has run for the OEE. */
    private static final class Line {
        final String path;
        final String stateTopic;
        final List<Cell> cells = new ArrayList<>();
        boolean running = true;
        int stoppedFor;
        long ticks;
        long runningTicks;

        Line(String[] plan) {
            this.path = plan[0];
            this.stateTopic = path + "/_state/status";
            boolean press = path.contains("/press/");
            for (int i = 1; i < plan.length; i++) {
                cells.add(new Cell(path + "/" + plan[i], press, i));
            }
        }

        void step(Random random) {
            ticks++;
            if (running && random.nextInt(300) == 0) {
                running = false;
                stoppedFor = 5 + random.nextInt(20);
            } else if (!running && --stoppedFor <= 0) {
                running = true;
            }
            if (running) {
                runningTicks++;
            }
        }

        double oee() {
            return 100.0 * runningTicks / ticks * 0.93; // performance and quality held at 93 %
        }
    }

    private record Cell(String path, List<Tag> tags) {
        Cell(String path, boolean press, int index) {
            this(path, press
                    ? List.of(new Tag(path + "/_edge/spindle/speed", "rpm", "Float", 1200 + 50 * index, 80, 37),
                            new Tag(path + "/_edge/hydraulic/pressure", "bar", "Float", 180 + 5 * index, 12, 23),
                            new Tag(path + "/_edge/temperature", "degC", "Float", 45 + index, 6, 300),
                            Tag.counter(path + "/_edge/count/good"))
                    : List.of(new Tag(path + "/_edge/torque", "Nm", "Float", 12 + index, 1.5, 11),
                            new Tag(path + "/_edge/cycle_time", "s", "Float", 28 + index, 2, 47),
                            Tag.counter(path + "/_edge/count/good")));
        }
    }

    /** One simulated tag: a slow sine around a base value with some noise, or a counter. */
    private static final class Tag {
        final String topic;
        final String unit;
        final String datatype;
        final double base;
        final double amplitude;
        final double periodSeconds;
        double count;

        Tag(String topic, String unit, String datatype, double base, double amplitude, double periodSeconds) {
            this.topic = topic;
            this.unit = unit;
            this.datatype = datatype;
            this.base = base;
            this.amplitude = amplitude;
            this.periodSeconds = periodSeconds;
        }

        static Tag counter(String topic) {
            return new Tag(topic, "pcs", "Int64", 0, 0, 0);
        }

        String next(double t, boolean running, Random random, long now) {
            if (periodSeconds == 0) {
                if (running && random.nextInt(3) == 0) {
                    count++;
                }
                return value(count, now, unit, datatype);
            }
            double v = base + amplitude * Math.sin(2 * Math.PI * t / periodSeconds) + amplitude * 0.1 * random.nextGaussian();
            if (!running && unit.equals("rpm")) {
                v = 0;
            }
            return value(v, now, unit, datatype);
        }
    }
}
