package io.unshub.broker.testing;

import io.unshub.broker.Broker;
import io.unshub.broker.BrokerExtensions;
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
    private BrokerExtensions extensions;
    private Broker broker;

    public BrokerFixture configure(UnaryOperator<BrokerConfig> customizer) {
        this.customizer = customizer;
        return this;
    }

    /** Starts each test's broker with these extension points (a subscription hook, an outbound rewriter, ...). */
    public BrokerFixture extensions(BrokerExtensions extensions) {
        this.extensions = extensions;
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        BrokerConfig config = customizer.apply(baseConfig());
        if (extensions == null) {
            start(config);
        } else {
            start(config, extensions);
        }
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

    /** Starts (or restarts) the broker with a specific configuration and extension points. */
    public Broker start(BrokerConfig config, BrokerExtensions extensions) {
        stop();
        broker = new Broker(config, extensions);
        broker.start();
        return broker;
    }

    /** Starts (or restarts) the broker on a store (which the broker closes when it stops). */
    public Broker start(BrokerConfig config, io.unshub.broker.persistence.BrokerStore store) {
        stop();
        broker = new Broker(config, BrokerExtensions.NONE, store);
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
