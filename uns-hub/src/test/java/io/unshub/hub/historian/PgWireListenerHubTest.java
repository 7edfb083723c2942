package io.unshub.hub.historian;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.pgwire.PgWireListener;
import io.unshub.hub.lifecycle.StartupBanner;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;

/** The hub with uns.historian.pg.enabled: values published on the bus are read back over PostgreSQL wire. */
@QuarkusTest
@TestProfile(PgWireProfile.class)
class PgWireListenerHubTest {

    private static final String TOPIC = "pg" + System.nanoTime() + "/plant1/press/line1/cell1/_edge/speed";

    @Inject
    HistorianRuntime runtime;

    @Inject
    StartupBanner banner;

    @Inject
    UnsBus bus;

    private Connection connect(String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "grafana");
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "20");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + runtime.pgListener().port() + "/qdb", props);
    }

    @Test
    void publishedValuesAreReadableOverPgWireAndTheBannerAndHealthNameTheListener() throws Exception {
        PgWireListener listener = runtime.pgListener();
        assertThat(listener).isNotNull();
        assertThat(listener.port()).as("port 0 means a free port").isPositive().isNotEqualTo(8812);
        assertThat(banner.text()).contains("pg wire    127.0.0.1:" + listener.port() + " user grafana, read-only");
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'historian' }.data.pgWire", startsWith("127.0.0.1:" + listener.port()));

        long t = System.currentTimeMillis();
        for (int i = 0; i < 5; i++) {
            String payload = "{\"value\":" + (10 + i) + ",\"timestamp_ms\":" + (t + i) + ",\"quality\":\"good\"}";
            bus.publish(UnsMessage.of(TOPIC, payload.getBytes(StandardCharsets.UTF_8), 1, false,
                    MessageProperties.NONE, Origin.client("plc-1")));
        }
        try (Connection c = connect(PgWireProfile.PASSWORD);
             PreparedStatement st = c.prepareStatement("SELECT count(), sum(value) FROM uns_value WHERE topic = ?")) {
            st.setString(1, TOPIC);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() && rs.getLong(1) == 5 && rs.getDouble(2) == 60.0;
                }
            });
        }
        assertThatThrownBy(() -> connect("not-the-password").close()).isInstanceOf(SQLException.class);
    }
}
