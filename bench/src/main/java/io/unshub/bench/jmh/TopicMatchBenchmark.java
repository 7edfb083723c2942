package io.unshub.bench.jmh;

import io.unshub.broker.routing.MatchSink;
import io.unshub.broker.routing.SharedGroup;
import io.unshub.broker.routing.Subscriber;
import io.unshub.broker.routing.Subscription;
import io.unshub.broker.routing.SubscriptionTree;
import io.unshub.core.message.UnsMessage;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Matching UNS-shaped topics (enterprise/site/area/line/cell/_class/tag...) against a subscription tree
 * holding exact, '+' and '#' subscriptions, as the router does for every publish. Run with
 * {@code -prof gc}: the target is zero bytes allocated per match.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class TopicMatchBenchmark {

    /** Subscriptions in the tree: one per tag topic plus wildcard subscribers per line and site. */
    @Param({"1000", "100000"})
    int subscriptions;

    private SubscriptionTree tree;
    private String[] topics;
    private int next;
    private final CountingSink sink = new CountingSink();

    private record Owner(String subscriberId) implements Subscriber {
        @Override
        public boolean isOnline() {
            return true;
        }

        @Override
        public void deliver(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, SharedGroup group) {
        }
    }

    /** Counts matches; the count is returned so the JIT cannot drop the walk. */
    private static final class CountingSink implements MatchSink {
        int matches;

        @Override
        public void onSubscription(Subscription subscription) {
            matches++;
        }

        @Override
        public void onSharedGroup(SharedGroup group) {
            matches++;
        }
    }

    @Setup
    public void setUp() {
        tree = new SubscriptionTree();
        SplittableRandom random = new SplittableRandom(42);
        topics = new String[4096];
        for (int i = 0; i < subscriptions; i++) {
            String topic = topic(random);
            tree.add(new Subscription(new Owner("c" + i), topic, 1, false, false, 0, 0));
            if (i < topics.length) {
                topics[i] = topic;
            }
        }
        for (int site = 0; site < 4; site++) {
            tree.add(new Subscription(new Owner("site-dashboard-" + site), "acme/site" + site + "/#", 0, false, false, 0, 0));
            tree.add(new Subscription(new Owner("line-mes-" + site), "acme/site" + site + "/+/+/+/_edge/#", 1, false, false, 0, 0));
        }
        tree.add(new Subscription(new Owner("historian"), "#", 1, false, false, 0, 0));
        for (int i = Math.min(subscriptions, topics.length); i < topics.length; i++) {
            topics[i] = topic(random);
        }
    }

    /** An 8-level UNS topic: acme/siteN/areaN/lineN/cellN/_edge/deviceN/tagN. */
    private static String topic(SplittableRandom random) {
        return "acme/site" + random.nextInt(4) + "/area" + random.nextInt(8) + "/line" + random.nextInt(8)
                + "/cell" + random.nextInt(8) + "/_edge/device" + random.nextInt(16) + "/tag" + random.nextInt(64);
    }

    @Benchmark
    public int matchUnsTopic() {
        sink.matches = 0;
        tree.match(topics[next++ & (topics.length - 1)], sink);
        return sink.matches;
    }
}
