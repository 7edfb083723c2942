package io.unshub.hub.historian;

import io.unshub.hub.config.HistorianConfig;
import io.unshub.hub.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** uns.historian.pg.*: off by default; when on, a missing password or a bad address stops start-up naming the key. */
class HistorianPgConfigTest {

    private static HistorianConfig config(boolean historian, Map<String, Object> pg) {
        Object pgProxy = Proxy.newProxyInstance(HistorianConfig.Pg.class.getClassLoader(),
                new Class<?>[]{HistorianConfig.Pg.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "enabled" -> pg.getOrDefault("enabled", false);
                    case "host" -> pg.getOrDefault("host", "127.0.0.1");
                    case "port" -> pg.getOrDefault("port", 8812);
                    case "user" -> pg.getOrDefault("user", "grafana");
                    case "password" -> Optional.ofNullable((String) pg.get("password"));
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (HistorianConfig) Proxy.newProxyInstance(HistorianConfig.class.getClassLoader(),
                new Class<?>[]{HistorianConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "enabled" -> historian;
                    case "pg" -> pgProxy;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void offByDefault() {
        assertThat(HistorianRuntime.pgSettings(config(true, Map.of()))).isNull();
    }

    @Test
    void enabledWithoutAPasswordFailsNamingTheKey() {
        assertThatThrownBy(() -> HistorianRuntime.pgSettings(config(true, Map.of("enabled", true))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("uns.historian.pg.password: is required when uns.historian.pg.enabled=true")
                .hasMessageContaining("UNS_HISTORIAN_PG_PASSWORD");
        assertThatThrownBy(() -> HistorianRuntime.pgSettings(config(true, Map.of("enabled", true, "password", ""))))
                .hasMessageContaining("uns.historian.pg.password");
    }

    @Test
    void badAddressPortOrNoHistorianFailNamingTheKey() {
        assertThatThrownBy(() -> HistorianRuntime.pgSettings(config(true,
                Map.of("enabled", true, "password", "x", "host", "grafana.local"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("uns.historian.pg.host")
                .hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> HistorianRuntime.pgSettings(config(true,
                Map.of("enabled", true, "password", "x", "port", 70_000))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("uns.historian.pg.port");
        assertThatThrownBy(() -> HistorianRuntime.pgSettings(config(false, Map.of("enabled", true, "password", "x"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("uns.historian.pg.enabled");
    }

    @Test
    void theContainerSettingsAreAccepted() {
        var settings = HistorianRuntime.pgSettings(config(true,
                Map.of("enabled", true, "password", "pw", "host", "0.0.0.0", "port", 8812)));
        assertThat(settings.host()).isEqualTo("0.0.0.0");
        assertThat(settings.port()).isEqualTo(8812);
        assertThat(settings.user()).isEqualTo("grafana");
        assertThat(settings.toString()).doesNotContain("pw,").contains("password=****");
    }
}
