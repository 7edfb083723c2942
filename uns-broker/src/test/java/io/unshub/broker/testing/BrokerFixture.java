package io.unshub.broker.testing;

import io.unshub.broker.Broker;
import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.handler.SubscriptionPolicy;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A real broker on loopback with ephemeral ports, started before and stopped after each test.
 * Register with {@code @RegisterExtension}; customise the configuration with {@link #configure}.
 */
public final class BrokerFixture implements BeforeEachCallback, AfterEachCallback {

    private UnaryOperator<BrokerConfig> customizer = UnaryOperator.identity();
    private Broker broker;

    public BrokerFixture configure(UnaryOperator<BrokerConfig> customizer) {
        this.customizer = customizer;
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start(customizer.apply(baseConfig()));
    }

    /** The configuration every test starts from: loopback, ephemeral ports, no periodic $SYS statistics. */
    public static BrokerConfig baseConfig() {
        return BrokerConfig.ephemeral().withSysInterval(Duration.ZERO);
    }

    /** Restarts the broker with {@link #baseConfig()} changed by {@code change} (for one test's own limits). */
    public Broker restart(UnaryOperator<BrokerConfig> change) {
        return start(change.apply(baseConfig()));
    }

    /** Starts (or restarts) the broker with a specific configuration. */
    public Broker start(BrokerConfig config) {
        return start(config, SubscriptionPolicy.ALLOW_ALL);
    }

    /** Starts (or restarts) the broker with a specific configuration and subscription policy. */
    public Broker start(BrokerConfig config, SubscriptionPolicy policy) {
        stop();
        broker = new Broker(config, policy);
        broker.start();
        return broker;
    }

    /** Starts (or restarts) the broker on a store (which the broker closes when it stops). */
    public Broker start(BrokerConfig config, io.unshub.broker.persistence.BrokerStore store) {
        stop();
        broker = new Broker(config, io.unshub.broker.BrokerExtensions.NONE, store);
        broker.start();
        return broker;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    public void stop() {
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }

    public Broker broker() {
        return broker;
    }

    public int port() {
        return broker.tcpPort();
    }

    public int wsPort() {
        return broker.wsPort();
    }

    public String tcpUri() {
        return "tcp://127.0.0.1:" + port();
    }
}
