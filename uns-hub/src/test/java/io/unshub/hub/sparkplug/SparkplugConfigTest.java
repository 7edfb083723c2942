package io.unshub.hub.sparkplug;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.unshub.hub.config.InvalidConfigException;
import io.unshub.hub.config.SparkplugConfig;
import io.unshub.sparkplug.host.HostConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code uns.sparkplug.*}: the defaults of the digest, and bad values named by key. */
class SparkplugConfigTest {

    private static SparkplugConfig config(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(SparkplugConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 500)).build();
        return config.getConfigMapping(SparkplugConfig.class);
    }

    @Test
    void defaultsAreAPrimaryHostWithTheDigestsTimers() {
        HostConfig c = SparkplugRuntime.toHostConfig(config(Map.of()), Path.of("data/sparkplug/state-timestamp"));
        assertThat(c).isEqualTo(new HostConfig("uns-hub", true, 5000, true, true, true, false, 5000, 65_536, false,
                Path.of("data/sparkplug/state-timestamp")));
    }

    @Test
    void keysReachTheHost() {
        HostConfig c = SparkplugRuntime.toHostConfig(config(Map.of("uns.sparkplug.host-id", "scada-2",
                "uns.sparkplug.primary", "false", "uns.sparkplug.reorder-timeout", "0s",
                "uns.sparkplug.rebirth-throttle", "30s", "uns.sparkplug.command-by-name", "true",
                "uns.sparkplug.project-node-control", "true")), null);
        assertThat(c.hostId()).isEqualTo("scada-2");
        assertThat(c.primary()).isFalse();
        assertThat(c.reorderTimeoutMillis()).isZero();
        assertThat(c.rebirthThrottleMillis()).isEqualTo(30_000);
        assertThat(c.commandByName()).isTrue();
        assertThat(c.projectNodeControl()).isTrue();
    }

    @Test
    void ndeathStampingIsOnByDefaultAndCanBeTurnedOff() {
        assertThat(config(Map.of()).aware().stampNdeathTimestamp()).isTrue();
        assertThat(config(Map.of()).projectNodeControl()).isFalse();
        assertThat(config(Map.of("uns.sparkplug.aware.stamp-ndeath-timestamp", "false")).aware().stampNdeathTimestamp())
                .isFalse();
    }

    @Test
    void aHostIdThatIsNoTopicLevelIsRefusedByKey() {
        assertThatThrownBy(() -> SparkplugRuntime.toHostConfig(config(Map.of("uns.sparkplug.host-id", "a/b")), null))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo("uns.sparkplug.host-id"));
        assertThatThrownBy(() -> SparkplugRuntime.toHostConfig(config(Map.of("uns.sparkplug.queue-capacity", "0")), null))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("uns.sparkplug.queue-capacity");
    }
}
