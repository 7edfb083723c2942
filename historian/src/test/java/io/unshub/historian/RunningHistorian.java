package io.unshub.historian;

import io.unshub.broker.testing.BrokerFixture;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The historian a test runs on its {@link BrokerFixture}'s bus, closed after the test. Register it with
 * {@code @RegisterExtension} <em>after</em> the fixture: JUnit runs "after" callbacks in reverse order, so the
 * historian is closed before the broker stops (and after the test's own {@code @AfterEach} methods). Used by
 * JUnit's test thread only.
 */
public final class RunningHistorian implements AfterEachCallback {

    private final BrokerFixture brokerFixture;
    private Historian current;

    public RunningHistorian(BrokerFixture brokerFixture) {
        this.brokerFixture = brokerFixture;
    }

    /** Opens a historian with {@code settings} and starts it on the broker's bus; it is closed after the test. */
    public Historian start(Historian.Settings settings) {
        current = HistorianFixture.start(settings, brokerFixture.broker().bus());
        return current;
    }

    /** Closes the running historian now (a test that restarts it, or that reopens its store by hand). */
    public void stop() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }
}
