package io.unshub.historian;

import io.unshub.broker.Broker;
import io.unshub.broker.testing.BrokerFixture;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link HistorianCrashIT}: a broker and a historian publishing "m-&lt;i&gt;" without end,
 * printing "committed &lt;sequence&gt;" whenever the ingest reports a newer committed sequence, until killed.
 */
public final class HistorianCrashChild {

    private HistorianCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Broker broker = new Broker(BrokerFixture.baseConfig());
        broker.start();
        Historian historian = HistorianFixture.start(HistorianFixture.settings(dir), broker.bus());
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
            broker.bus().publish(HistorianFixture.message("acme/plant1/press/line1/cell1/_edge/t" + (i % 10),
                    "m-" + i));
            if (i % 500 == 499) {
                Thread.sleep(5);
            }
        }
    }
}
