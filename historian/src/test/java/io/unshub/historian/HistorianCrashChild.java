package io.unshub.historian;

import io.unshub.broker.Broker;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.historian.retention.RetentionPolicy;

import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a child JVM by {@link HistorianCrashIT}: a broker and a historian publishing "m-&lt;i&gt;" without end,
 * printing "committed &lt;sequence&gt;" whenever the ingest reports a newer committed sequence, until killed.
 * With a second argument "grouped", the store has two retention groups and the topics alternate between them
 * ({@link #topic}), so every batch commits into both.
 */
public final class HistorianCrashChild {

    private HistorianCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        boolean grouped = args.length > 1 && args[1].equals("grouped");
        Broker broker = new Broker(BrokerFixture.baseConfig());
        broker.start();
        Historian historian = HistorianFixture.start(settings(dir, grouped), broker.bus());
        Thread reporter = new Thread(() -> {
            long reported = -1;
            while (true) {
                long committed = historian.status().lastSequence();
                if (committed != reported) {
                    System.out.println("committed " + committed);
                    System.out.flush();
                    reported = committed;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "reporter");
        reporter.setDaemon(true);
        reporter.start();
        for (long i = 0; ; i++) {
            broker.bus().publish(HistorianFixture.message(topic(i, grouped), "m-" + i));
            if (i % 500 == 499) {
                Thread.sleep(5);
            }
        }
    }

    /** Everything kept forever; grouped, the {@code _state} class in a second group (kept a year). */
    static Historian.Settings settings(Path dir, boolean grouped) {
        return grouped ? HistorianFixture.settings(dir, new RetentionPolicy(0, Map.of("_state", 365)))
                : HistorianFixture.settings(dir);
    }

    /** The topic of message {@code i}: ten topics; grouped, the odd ones in the {@code _state} class. */
    static String topic(long i, boolean grouped) {
        String cls = grouped && i % 2 == 1 ? "_state" : "_edge";
        return "acme/plant1/press/line1/cell1/" + cls + "/t" + (i % 10);
    }
}
