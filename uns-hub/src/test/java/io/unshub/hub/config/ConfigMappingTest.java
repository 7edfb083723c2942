package io.unshub.hub.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.config.TlsSettings;
import io.unshub.hub.security.SecurityRuntime;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad TLS and limit settings stop start-up with the key named; good ones reach the broker as given. */
class ConfigMappingTest {

    private static UnsConfig config(Map<String, String> values) {
        // Quarkus's own Duration converter, so "2s" reads as it does in the hub.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(UnsConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 500)).build();
        return config.getConfigMapping(UnsConfig.class);
    }

    @Test
    void tlsIsOffWithoutACertificateAndMappedWithOne() {
        assertThat(BrokerConfigMapper.toBrokerConfig(config(Map.of()).mqtt()).tls()).isEqualTo(TlsSettings.OFF);
        BrokerConfig broker = BrokerConfigMapper.toBrokerConfig(config(Map.of(
                "uns.mqtt.tls.certificate", "/certs/hub.crt", "uns.mqtt.tls.private-key", "/certs/hub.key",
                "uns.mqtt.tls.client-auth", "required", "uns.mqtt.tls.client-ca", "/certs/ca.crt",
                "uns.mqtt.tls.identity", "san-dns", "uns.mqtt.tls.protocols", "TLSv1.3")).mqtt());
        assertThat(broker.tls().port()).isEqualTo(8883);
        assertThat(broker.tls().wssPort()).isEqualTo(8084);
        assertThat(broker.tls().certificate()).isEqualTo(Path.of("/certs/hub.crt"));
        assertThat(broker.tls().clientAuth()).isEqualTo(TlsSettings.ClientAuth.REQUIRED);
        assertThat(broker.tls().identity()).isEqualTo(TlsSettings.CertificateIdentity.SAN_DNS);
        assertThat(broker.tls().protocols()).containsExactly("TLSv1.3");
    }

    @Test
    void badTlsSettingsNameTheirKey() {
        assertThatThrownBy(() -> BrokerConfigMapper.toBrokerConfig(config(Map.of(
                "uns.mqtt.tls.certificate", "/c.crt")).mqtt()))
                .isInstanceOfSatisfying(InvalidConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("uns.mqtt.tls.private-key"));
        assertThatThrownBy(() -> BrokerConfigMapper.toBrokerConfig(config(Map.of(
                "uns.mqtt.tls.certificate", "/c.crt", "uns.mqtt.tls.private-key", "/c.key",
                "uns.mqtt.tls.client-auth", "sometimes")).mqtt()))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("uns.mqtt.tls.client-auth");
                    assertThat(e.getMessage()).contains("sometimes").contains("required");
                });
        assertThatThrownBy(() -> BrokerConfigMapper.toBrokerConfig(config(Map.of(
                "uns.mqtt.tls.certificate", "/c.crt", "uns.mqtt.tls.private-key", "/c.key",
                "uns.mqtt.tls.client-auth", "required")).mqtt()))
                .isInstanceOfSatisfying(InvalidConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("uns.mqtt.tls.client-ca"));
        assertThatThrownBy(() -> BrokerConfigMapper.toBrokerConfig(config(Map.of(
                "uns.mqtt.tls.certificate", "/c.crt", "uns.mqtt.tls.private-key", "/c.key",
                "uns.mqtt.tls.protocols", "TLSv1.1")).mqtt()))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.getMessage()).contains("TLSv1.1"));
    }

    @Test
    void limitsAreMappedAndNegativeOnesNameTheirKey() {
        BrokerConfig broker = BrokerConfigMapper.toBrokerConfig(config(Map.of(
                "uns.mqtt.publishes-per-second", "500", "uns.mqtt.disconnect-over-quota", "true")).mqtt());
        assertThat(broker.limits().maxConnections()).isEqualTo(10_000);
        assertThat(broker.limits().publishesPerSecond()).isEqualTo(500);
        assertThat(broker.limits().disconnectOverQuota()).isTrue();
        assertThat(broker.limits().maxInflightOut()).as("default").isEqualTo(1024);
        assertThat(BrokerConfigMapper.toBrokerConfig(config(Map.of("uns.mqtt.max-inflight-out", "32")).mqtt())
                .limits().maxInflightOut()).isEqualTo(32);
        assertThatThrownBy(() -> BrokerConfigMapper.toBrokerConfig(config(Map.of(
                "uns.mqtt.max-inflight-out", "-5")).mqtt()))
                .isInstanceOfSatisfying(InvalidConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("uns.mqtt.max-inflight-out"));
        assertThatThrownBy(() -> BrokerConfigMapper.toBrokerConfig(config(Map.of(
                "uns.mqtt.max-connections-per-address", "-1")).mqtt()))
                .isInstanceOfSatisfying(InvalidConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("uns.mqtt.max-connections-per-address"));
    }

    @Test
    void anUnknownAnonymousPolicyNamesItsKey() {
        assertThatThrownBy(() -> SecurityRuntime.settings(config(Map.of("uns.auth.anonymous", "maybe")).auth(),
                Path.of("users.yaml"), TlsSettings.OFF))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("uns.auth.anonymous");
                    assertThat(e.getMessage()).contains("local").contains("all").contains("none");
                });
    }
}
