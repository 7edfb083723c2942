package io.unshub.broker.limits;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.unshub.broker.config.ClientLimits;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Connection limits (issue 3, "Limits"): total open connections, open connections per IP address and new
 * connections per second per address. A connection over a limit is closed before any MQTT; the ones already
 * in keep working. Clients pick their source address in 127.0.0.0/8 to act as different hosts.
 */
@ExtendWith(NoLeaks.class)
class ConnectionLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture();
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private static ClientLimits connections(int total, int perAddress, int perSecond) {
        return new ClientLimits(total, perAddress, perSecond, 0, 0, false, 0, 0, 0);
    }

    private BrokerMetrics metrics() {
        return fixture.broker().metrics();
    }

    @Test
    @DisplayName("a storm of 40 simultaneous connects against maxConnections 10: exactly 10 get in and work, a freed place is taken again")
    void stormBeyondMaxConnections() throws Exception {
        fixture.restart(c -> c.withClientLimits(connections(10, 0, 0)));
        List<Mqtt5AsyncClient> storm = new ArrayList<>();
        List<CompletableFuture<?>> attempts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Mqtt5AsyncClient client = LimitClients.v5From(clients, fixture.port(), "storm-" + i, "127.0.0.1");
            storm.add(client);
            attempts.add(client.connect());
        }
        List<Mqtt5AsyncClient> in = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < storm.size(); i++) {
            try {
                attempts.get(i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                in.add(storm.get(i));
            } catch (ExecutionException e) {
                refused++;
            }
        }
        assertThat(in).as("connections let in").hasSize(10);
        assertThat(refused).isEqualTo(30);
        assertThat(metrics().limitHits(LimitHit.MAX_CONNECTIONS)).isEqualTo(30);
        assertThat(metrics().connectionsCurrent()).as("refused connections never reach MQTT").isEqualTo(10);

        // every connection let in works: each publishes QoS 1 to one subscriber among them
        Set<String> received = ConcurrentHashMap.newKeySet();
        in.getFirst().subscribeWith().topicFilter("storm/+").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> received.add(p.getTopic().toString())).send().get();
        for (int i = 0; i < in.size(); i++) {
            in.get(i).publishWith().topic("storm/" + i).qos(MqttQos.AT_LEAST_ONCE).send().get();
        }
        await().atMost(WAIT).until(() -> received.size() == 10);

        // three leave; three others (Paho 3.1.1) take their places, and the next one is refused again
        for (int i = 7; i < 10; i++) {
            in.get(i).disconnect().get();
        }
        await().atMost(WAIT).until(() -> metrics().connectionsCurrent() == 7);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        for (int i = 0; i < 3; i++) {
            var paho = clients.paho3("late-" + i);
            paho.connect(options);
            paho.publish("storm/late" + i, "late".getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(WAIT).until(() -> received.size() == 13);
        var oneTooMany = clients.paho3("one-too-many");
        assertThatThrownBy(() -> oneTooMany.connect(options)).isInstanceOf(org.eclipse.paho.client.mqttv3.MqttException.class);
        assertThat(metrics().limitHits(LimitHit.MAX_CONNECTIONS)).isEqualTo(31);
    }

    @Test
    @DisplayName("maxConnectionsPerAddress 3 with maxConnections 8: each address gets 3, the total caps the third, others keep working")
    void perAddressAndTotal() throws Exception {
        fixture.restart(c -> c.withClientLimits(connections(8, 3, 0)));
        List<List<Mqtt5AsyncClient>> byAddress = new ArrayList<>();
        for (String ip : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
            List<Mqtt5AsyncClient> in = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Mqtt5AsyncClient client = LimitClients.v5From(clients, fixture.port(), ip + "-" + i, ip);
                try {
                    client.connect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    in.add(client);
                } catch (ExecutionException refused) {
                    // over a limit: closed before CONNACK
                }
            }
            byAddress.add(in);
        }
        assertThat(byAddress).extracting(List::size).containsExactly(3, 3, 2);
        assertThat(metrics().limitHits(LimitHit.MAX_CONNECTIONS_PER_ADDRESS)).isEqualTo(6); // 3 from .1, 3 from .2
        assertThat(metrics().limitHits(LimitHit.MAX_CONNECTIONS)).isEqualTo(4); // .3 had places left, the broker had not

        // the connections let in work across addresses
        Set<String> received = ConcurrentHashMap.newKeySet();
        byAddress.get(0).getFirst().subscribeWith().topicFilter("addr/#").callback(p -> received.add(p.getTopic().toString()))
                .send().get();
        byAddress.get(2).getFirst().publishWith().topic("addr/from3").qos(MqttQos.AT_LEAST_ONCE).send().get();
        await().atMost(WAIT).until(() -> received.contains("addr/from3"));

        // one leaves 127.0.0.2: a newcomer from there gets in, one from 127.0.0.1 (still at 3) does not
        byAddress.get(1).getFirst().disconnect().get();
        await().atMost(WAIT).until(() -> metrics().connectionsCurrent() == 7);
        assertThatThrownBy(() -> LimitClients.v5From(clients, fixture.port(), "again-1", "127.0.0.1").connect()
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(ExecutionException.class);
        LimitClients.v5From(clients, fixture.port(), "again-2", "127.0.0.2").connect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(metrics().connectionsCurrent()).isEqualTo(8);
    }

    @Test
    @DisplayName("connectsPerSecondPerAddress 5: a burst of 20 gets about 5 in, other addresses are not affected, the address gets in again after the window")
    void connectRatePerAddress() throws Exception {
        fixture.restart(c -> c.withClientLimits(connections(0, 0, 5)));
        List<Socket> accepted = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            Socket socket = LimitClients.rawConnect(fixture.port(), "127.0.0.5", "burst-" + i);
            if (socket != null) {
                accepted.add(clients.track(socket));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // a bucket of 5 that refills at 5 per second: 5, plus whatever the burst's own duration refilled
        assertThat(accepted.size()).as("accepted in a burst of %.3f s", seconds)
                .isBetween(5, 5 + (int) Math.ceil(seconds * 5));
        assertThat(metrics().limitHits(LimitHit.CONNECT_RATE)).isEqualTo(20 - accepted.size());

        Socket neighbour = LimitClients.rawConnect(fixture.port(), "127.0.0.6", "neighbour");
        assertThat(neighbour).as("another address is not throttled").isNotNull();
        clients.track(neighbour);

        // the refused address is let in again once the bucket refilled (a fifth of a second per connect)
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Socket again = LimitClients.rawConnect(fixture.port(), "127.0.0.5", "after-window");
            if (again == null) {
                return false;
            }
            clients.track(again);
            return true;
        });
    }
}
