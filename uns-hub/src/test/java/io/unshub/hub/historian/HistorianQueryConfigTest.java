package io.unshub.hub.historian;

import io.unshub.historian.query.ExternalQuerySettings;
import io.unshub.hub.config.HistorianConfig;
import io.unshub.hub.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code uns.historian.query.*}: a bad value fails start-up naming the key. */
class HistorianQueryConfigTest {

    @Test
    void embeddedNeedsNothingElse() {
        assertThat(HistorianRuntime.externalQuery(query("embedded", null, null, null, null, "10s"))).isNull();
    }

    @Test
    void externalReadsUrlCredentialsAndTimeout() {
        ExternalQuerySettings s = HistorianRuntime.externalQuery(
                query("external", "http://questdb:9000", "hub", "pw", null, "2s"));
        assertThat(s.url().toString()).isEqualTo("http://questdb:9000");
        assertThat(s.username()).isEqualTo("hub");
        assertThat(s.password()).isEqualTo("pw");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badValuesNameTheirKey() {
        bad(query("remote", "http://questdb:9000", null, null, null, "10s"), "uns.historian.query.target", "embedded or external");
        bad(query("external", null, null, null, null, "10s"), "uns.historian.query.external.url", "required");
        bad(query("external", "questdb:9000", null, null, null, "10s"), "uns.historian.query.external.url", "http://");
        bad(query("external", "ftp://questdb", null, null, null, "10s"), "uns.historian.query.external.url", "http://");
        bad(query("external", "http://questdb:9000", "hub", null, null, "10s"), "uns.historian.query.external.password", "required");
        bad(query("external", "http://questdb:9000", null, "pw", null, "10s"), "uns.historian.query.external.username", "required");
        bad(query("external", "http://questdb:9000", "hub", "pw", "tok", "10s"), "uns.historian.query.external.token", "not both");
        bad(query("external", "http://questdb:9000", null, null, null, "0s"), "uns.historian.query.external.timeout", "positive");
    }

    private static void bad(HistorianConfig.Query query, String key, String problem) {
        assertThatThrownBy(() -> HistorianRuntime.externalQuery(query)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(problem)
                .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo(key));
    }

    private static HistorianConfig.Query query(String target, String url, String user, String password, String token,
                                               String timeout) {
        HistorianConfig.Query.External external = new HistorianConfig.Query.External() {
            public Optional<String> url() {
                return Optional.ofNullable(url);
            }

            public Optional<String> username() {
                return Optional.ofNullable(user);
            }

            public Optional<String> password() {
                return Optional.ofNullable(password);
            }

            public Optional<String> token() {
                return Optional.ofNullable(token);
            }

            public Duration timeout() {
                return Duration.parse("PT" + timeout.toUpperCase());
            }
        };
        return new HistorianConfig.Query() {
            public String target() {
                return target;
            }

            public HistorianConfig.Query.External external() {
                return external;
            }
        };
    }
}
