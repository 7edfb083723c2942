package io.unshub.historian.export;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.historian.Historian;
import io.unshub.historian.HistorianFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.InfluxDBContainer;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.unshub.historian.HistorianFixture.message;
import static io.unshub.historian.HistorianFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The export against a real InfluxDB 2.x in a container; skipped where no Docker engine runs. */
class InfluxDb2ExportTest {

    @RegisterExtension
    final BrokerFixture brokerFixture = new BrokerFixture();

    @TempDir
    Path dir;

    private Historian historian;

    @BeforeAll
    static void needsDocker() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        assumeTrue(docker, "no Docker engine: the InfluxDB 2.x export test needs one");
    }

    @AfterEach
    void stop() {
        if (historian != null) {
            historian.close();
        }
    }

    @Test
    void decodedValuesArriveInAnInfluxDb2Bucket() {
        try (InfluxDBContainer<?> influx = new InfluxDBContainer<>(DockerImageName.parse("influxdb:2.7"))
                .withOrganization("uns").withBucket("uns").withAdminToken("test-token")) {
            influx.start();
            ExportSettings export = new ExportSettings(influx.getUrl(), "test-token", "uns", "uns", 100,
                    Duration.ofMillis(100), 10_000, 3, Duration.ofSeconds(1));
            historian = HistorianFixture.start(HistorianFixture.settings(dir, export),
                    brokerFixture.broker().bus());
            long now = System.currentTimeMillis();
            for (int i = 0; i < 10; i++) {
                brokerFixture.broker().bus().publish(message("acme/plant1/press/line1/cell1/_edge/speed", value(i, now + i)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> historian.exportStatus().written() == 10);
            try (InfluxDBClient client = InfluxDBClientFactory.create(influx.getUrl(), "test-token".toCharArray(), "uns")) {
                var tables = client.getQueryApi().query(
                        "from(bucket:\"uns\") |> range(start: -1h) |> filter(fn: (r) => r._measurement == \"uns_value\""
                                + " and r._field == \"value\")");
                long rows = tables.stream().mapToLong(t -> t.getRecords().size()).sum();
                assertThat(rows).isEqualTo(10);
            }
        }
    }
}
