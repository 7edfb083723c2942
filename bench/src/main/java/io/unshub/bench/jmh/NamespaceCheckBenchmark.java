package io.unshub.bench.jmh;

import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.contract.PayloadContract;
import io.unshub.namespace.enforce.NamespaceEnforcer;
import io.unshub.namespace.enforce.ViolationReporter;
import io.unshub.namespace.load.ModelException;
import io.unshub.namespace.load.ModelLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The namespace check every publish goes through: {@link CompiledNamespace#classify} on 8-segment UNS topics
 * ({@code acme/site1/area3/line7/cell4/_edge/spindle/speed}), against a closed tree of 1,000 cells and against the
 * permissive built-in model; the {@code uns-value} payload contract on a typical value; and the enforcer's whole
 * accept path (topic plus payload). Run with {@code -prof gc}: classify must allocate nothing on accepted topics.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class NamespaceCheckBenchmark {

    static final int SITES = 2;
    static final int AREAS = 5;
    static final int LINES = 10;
    static final int CELLS = 10;

    /** Rotating set of topics; a power of two so the index is a mask. */
    static final int TOPICS = 4096;

    static final String[] DEVICES = {"spindle", "drive", "oven", "press", "robot", "conveyor", "pump", "camera"};
    static final String[] TAGS = {"speed", "temperature", "pressure", "current", "state", "count", "torque", "vibration"};
    static final String[] CLASSES = {"_edge", "_edge", "_edge", "_edge", "_historian", "_kpi", "_state", "_alarms"};

    static final String TYPICAL_VALUE = "{\"value\":42.5,\"timestamp_ms\":1732000000000,\"quality\":\"good\"}";

    /**
     * The model with a closed tree: 1 enterprise x 2 sites x 5 areas x 10 lines x 10 cells = 1,000 cells (plus 10
     * areas and 100 lines as intermediate nodes), written as YAML the way a plant would and loaded by the real
     * loader.
     */
    static String treeModelYaml() {
        StringBuilder y = new StringBuilder(64 * 1024);
        y.append("""
                apiVersion: uns-hub/v1
                kind: NamespaceModel
                metadata:
                  name: bench-1000-cells
                spec:
                  segment:
                    pattern: "^[a-z0-9][a-z0-9_-]{0,63}$"
                  levels:
                    - { name: enterprise, required: true }
                    - { name: site, required: true }
                    - { name: area }
                    - { name: line }
                    - { name: cell }
                  tree:
                    acme:
                """);
        for (int s = 1; s <= SITES; s++) {
            y.append("      site").append(s).append(":\n");
            for (int a = 1; a <= AREAS; a++) {
                y.append("        area").append(a).append(":\n");
                for (int l = 1; l <= LINES; l++) {
                    y.append("          line").append(l).append(": [");
                    for (int c = 1; c <= CELLS; c++) {
                        y.append(c > 1 ? ", " : "").append("cell").append(c);
                    }
                    y.append("]\n");
                }
            }
        }
        y.append("""
                  classes:
                    _edge: { payload: uns-value }
                    _historian: { payload: uns-value }
                    _kpi: { payload: uns-value }
                    _state: { payload: json }
                    _alarms: { payload: json }
                    _mes: { payload: json }
                    _meta: { payload: json }
                    _cmd: { payload: json }
                  tagPath:
                    minDepth: 1
                    maxDepth: 8
                """);
        return y.toString();
    }

    static CompiledNamespace compile(String model) {
        try {
            return CompiledNamespace.compile(switch (model) {
                case "tree" -> ModelLoader.parse(treeModelYaml(), "bench-tree");
                case "builtin" -> ModelLoader.builtIn();
                default -> throw new IllegalArgumentException(model);
            });
        } catch (ModelException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** An accepted 8-segment topic: acme/siteS/areaA/lineL/cellC/_class/device/tag. */
    static String acceptedTopic(SplittableRandom r) {
        return "acme/site" + (1 + r.nextInt(SITES)) + "/area" + (1 + r.nextInt(AREAS)) + "/line" + (1 + r.nextInt(LINES))
                + "/cell" + (1 + r.nextInt(CELLS)) + "/" + CLASSES[r.nextInt(CLASSES.length)] + "/"
                + DEVICES[r.nextInt(DEVICES.length)] + "/" + TAGS[r.nextInt(TAGS.length)];
    }

    /** Topics a real client gets wrong; each model keeps the ones it rejects. */
    static String[] rejectCandidates(SplittableRandom r) {
        String tail = "/" + DEVICES[r.nextInt(DEVICES.length)] + "/" + TAGS[r.nextInt(TAGS.length)];
        int line = 1 + r.nextInt(LINES);
        return new String[] {
                "acme/site9/area1/line" + line + "/cell1/_edge" + tail,          // site not in the tree
                "acme/site1/area2/line" + line + "/cell11/_edge" + tail,         // cell not in the tree
                "acme/site1/area2/line" + line + "/cell3/_edg" + tail,           // unknown class (typo)
                "acme/site2/area4/line" + line + "/cell5/spindle/speed/x",       // no class segment
                "acme/site2/Press 1/line" + line + "/cell5/_edge" + tail,        // space in a level name
                "acme/site1/area3/line" + line + "/cell2/_edge/spindle/Spindle Speed", // space in a tag
        };
    }

    /** Topics for {@link #classify}: all accepted, or about one in ten rejected for various reasons. */
    @State(Scope.Thread)
    public static class TopicSet {

        @Param({"tree", "builtin"})
        public String model;

        @Param({"accepted", "mixed"})
        public String topics;

        CompiledNamespace ns;
        String[] topicArray;
        int next;

        @Setup
        public void setUp() {
            ns = compile(model);
            SplittableRandom r = new SplittableRandom(42);
            topicArray = new String[TOPICS];
            int rejects = 0;
            for (int i = 0; i < TOPICS; i++) {
                String topic = acceptedTopic(r);
                if (topics.equals("mixed") && r.nextInt(10) == 0) {
                    List<String> rejected = new ArrayList<>();
                    for (String candidate : rejectCandidates(r)) {
                        if (ns.classify(candidate) < CompiledNamespace.RESERVED) {
                            rejected.add(candidate);
                        }
                    }
                    topic = rejected.get(r.nextInt(rejected.size()));
                    rejects++;
                } else if (ns.classify(topic) < 0) {
                    throw new IllegalStateException(model + " rejects " + topic + ": " + ns.explain(topic).reason());
                }
                topicArray[i] = topic;
            }
            System.out.printf("%n[%s/%s] %d topics, %d rejected (%.1f%%)%n", model, topics, TOPICS, rejects,
                    100.0 * rejects / TOPICS);
        }
    }

    /** One payload contract and a payload that keeps it. */
    @State(Scope.Thread)
    public static class ContractSet {

        /** uns-value: JSON parse plus JSON Schema validation; json: the parse alone. */
        @Param({"uns-value", "json"})
        public String contract;

        PayloadContract payloadContract;
        byte[] payload;

        @Setup
        public void setUp() {
            CompiledNamespace ns = compile("tree");
            String topic = contract.equals("uns-value") ? "acme/site1/area3/line7/cell4/_edge/spindle/speed"
                    : "acme/site1/area3/line7/cell4/_state/spindle/mode";
            int cls = ns.classify(topic);
            payloadContract = ns.contract(cls);
            if (!payloadContract.name().equals(contract)) {
                throw new IllegalStateException(topic + " has contract " + payloadContract.name());
            }
            payload = TYPICAL_VALUE.getBytes(StandardCharsets.UTF_8);
            PayloadContract.Breach breach = payloadContract.check(payload);
            if (breach != null) {
                throw new IllegalStateException("the typical payload breaks " + contract + ": " + breach.detail());
            }
        }
    }

    /** Accepted {@code _edge} messages with the typical value, as the bus hands them to the enforcer. */
    @State(Scope.Thread)
    public static class MessageSet {

        NamespaceEnforcer enforcer;
        UnsMessage[] messages;
        int next;

        @Setup
        public void setUp() {
            enforcer = new NamespaceEnforcer(compile("tree"), new ViolationReporter());
            byte[] payload = TYPICAL_VALUE.getBytes(StandardCharsets.UTF_8);
            SplittableRandom r = new SplittableRandom(7);
            messages = new UnsMessage[TOPICS];
            for (int i = 0; i < TOPICS; i++) {
                String topic = "acme/site" + (1 + r.nextInt(SITES)) + "/area" + (1 + r.nextInt(AREAS)) + "/line"
                        + (1 + r.nextInt(LINES)) + "/cell" + (1 + r.nextInt(CELLS)) + "/_edge/"
                        + DEVICES[r.nextInt(DEVICES.length)] + "/" + TAGS[r.nextInt(TAGS.length)];
                messages[i] = UnsMessage.of(topic, payload, 0, false, MessageProperties.NONE, Origin.client("plc-" + i));
                if (enforcer.check(messages[i]) != null) {
                    throw new IllegalStateException("rejected: " + topic);
                }
            }
        }
    }

    /** The topic check alone: class index, RESERVED or a rule. */
    @Benchmark
    public int classify(TopicSet s) {
        return s.ns.classify(s.topicArray[s.next++ & (TOPICS - 1)]);
    }

    /** {@code contract(cls).check(payload)} for one typical value. */
    @Benchmark
    public PayloadContract.Breach contractCheck(ContractSet s) {
        return s.payloadContract.check(s.payload);
    }

    /** What the bus pays per accepted {@code _edge} message: classify plus the uns-value contract. */
    @Benchmark
    public Object enforcerCheck(MessageSet s) {
        return s.enforcer.check(s.messages[s.next++ & (TOPICS - 1)]);
    }
}
