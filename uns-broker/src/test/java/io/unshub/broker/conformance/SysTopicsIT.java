package io.unshub.broker.conformance;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.unshub.broker.Broker;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.unshub.broker.conformance.Await.WAIT;
import static io.unshub.broker.conformance.Await.next;
import static io.unshub.broker.conformance.Await.text;
import static io.unshub.broker.conformance.Await.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The broker's $SYS tree: statistics under $SYS/brokers/&lt;node&gt;/ and client connect/disconnect events as JSON. */
@ExtendWith(NoLeaks.class)
class SysTopicsIT {

    private static final Pattern JSON_FIELD = Pattern.compile("\"(\\w+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]+)");

    @RegisterExtension
    final BrokerFixture fixture = new BrokerFixture().configure(c -> c.withSysInterval(Duration.ofMillis(100)));
    @RegisterExtension
    final MqttClients clients = new MqttClients(fixture);

    private String prefix;

    @BeforeEach
    void prefix() {
        prefix = "$SYS/brokers/" + fixture.broker().config().nodeName() + "/";
    }

    /** Flat JSON object fields, strings unquoted (no escapes other than \" and \\ are expected here). */
    private static Map<String, String> json(String text) {
        assertThat(text).startsWith("{").endsWith("}");
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher matcher = JSON_FIELD.matcher(text);
        while (matcher.find()) {
            String value = matcher.group(2);
            if (value.startsWith("\"")) {
                value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            fields.put(matcher.group(1), value);
        }
        return fields;
    }

    /** The latest value per $SYS statistics topic, kept up to date by a subscriber. */
    private Map<String, String> watchStatistics() {
        Map<String, String> latest = new ConcurrentHashMap<>();
        var watcher = clients.connectedV5("sys-stats").toAsync();
        watcher.subscribeWith().topicFilter(prefix + "#").qos(MqttQos.AT_MOST_ONCE)
                .callback(p -> latest.put(p.getTopic().toString().substring(prefix.length()),
                        new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                .send().join();
        return latest;
    }

    @Test
    @DisplayName("$SYS statistics are published periodically and follow the broker's state")
    void statistics() {
        Map<String, String> stats = watchStatistics();
        await().atMost(WAIT).until(() -> stats.keySet().containsAll(java.util.List.of("version", "uptime",
                "clients/connected", "clients/total", "messages/received", "messages/sent", "messages/queued",
                "messages/dropped", "bytes/received", "bytes/sent", "subscriptions/count", "retained/count")));
        assertThat(stats.get("version")).isEqualTo(Broker.version());
        assertThat(Long.parseLong(stats.get("uptime"))).isNotNegative();

        await().atMost(WAIT).until(() -> "1".equals(stats.get("clients/connected")));
        Mqtt5BlockingClient extra = clients.connectedV5("sys-extra");
        extra.subscribeWith().topicFilter("sys/a").send();
        extra.subscribeWith().topicFilter("sys/b").send();
        for (int i = 0; i < 5; i++) {
            extra.publishWith().topic("sys/x").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("x")).send();
        }
        await().atMost(WAIT).until(() -> "2".equals(stats.get("clients/connected")));
        await().atMost(WAIT).until(() -> Long.parseLong(stats.get("messages/received")) >= 5);
        await().atMost(WAIT).until(() -> Long.parseLong(stats.get("bytes/received")) > 0);
        await().atMost(WAIT).until(() -> "3".equals(stats.get("subscriptions/count"))); // "$SYS/..#", "sys/a", "sys/b"

        extra.disconnect();
        await().atMost(WAIT).until(() -> "1".equals(stats.get("clients/connected")));
    }

    @Test
    @DisplayName("$SYS statistics are retained: a late subscriber gets them at once with RETAIN 1")
    void statisticsAreRetained() throws Exception {
        await().atMost(WAIT).until(() -> fixture.broker().retained().get(prefix + "uptime") != null);
        Mqtt5BlockingClient late = clients.connectedV5("sys-late");
        var publishes = late.publishes(MqttGlobalPublishFilter.ALL);
        late.subscribeWith().topicFilter(prefix + "version").send();
        Mqtt5Publish version = next(publishes);
        assertThat(version.isRetain()).isTrue();
        assertThat(text(version)).isEqualTo(Broker.version());
    }

    @Test
    @DisplayName("$SYS/brokers/<node>/clients/<id>/connected carries the client's details as JSON")
    void connectedEvent() throws Exception {
        Mqtt5BlockingClient watcher = clients.connectedV5("sys-watch");
        var events = watcher.publishes(MqttGlobalPublishFilter.ALL);
        watcher.subscribeWith().topicFilter(prefix + "clients/+/connected").send();

        long before = System.currentTimeMillis();
        Mqtt5BlockingClient client = clients.v5("sys-c1");
        client.connectWith().keepAlive(30).simpleAuth().username("alice").applySimpleAuth().send();

        Mqtt5Publish event = next(events);
        assertThat(event.getTopic().toString()).isEqualTo(prefix + "clients/sys-c1/connected");
        assertThat(event.isRetain()).isFalse();
        Map<String, String> fields = json(text(event));
        assertThat(fields).containsEntry("clientId", "sys-c1")
                .containsEntry("protocol", "5.0")
                .containsEntry("keepAlive", "30")
                .containsEntry("username", "alice");
        assertThat(fields.get("address")).startsWith("127.0.0.1:");
        assertThat(Long.parseLong(fields.get("timestamp"))).isBetween(before, System.currentTimeMillis());
    }

    @Test
    @DisplayName("$SYS/brokers/<node>/clients/<id>/disconnected carries the reason as JSON (normal, kicked, 3.1.1)")
    void disconnectedEvent() throws Exception {
        Mqtt5BlockingClient watcher = clients.connectedV5("sys-watch2");
        var events = watcher.publishes(MqttGlobalPublishFilter.ALL);
        watcher.subscribeWith().topicFilter(prefix + "clients/+/+").send();

        Mqtt5BlockingClient normal = clients.connectedV5("sys-normal");
        assertThat(json(text(next(events)))).containsEntry("clientId", "sys-normal");
        normal.disconnect();
        Mqtt5Publish gone = next(events);
        assertThat(gone.getTopic().toString()).isEqualTo(prefix + "clients/sys-normal/disconnected");
        Map<String, String> fields = json(text(gone));
        assertThat(fields).containsEntry("clientId", "sys-normal").containsEntry("reason", "client disconnected");
        assertThat(fields).containsKeys("address", "timestamp");

        var v3 = clients.connectedV3("sys-v3");
        Map<String, String> v3Connected = json(text(next(events)));
        assertThat(v3Connected).containsEntry("clientId", "sys-v3").containsEntry("protocol", "3.1.1")
                .containsEntry("username", "null");
        fixture.broker().disconnect("sys-v3");
        Mqtt5Publish kicked = next(events);
        assertThat(kicked.getTopic().toString()).isEqualTo(prefix + "clients/sys-v3/disconnected");
        assertThat(json(text(kicked)).get("reason")).contains("administrator");
        await().atMost(WAIT).until(() -> !v3.getState().isConnected());
    }

    @Test
    @DisplayName("$SYS client events: a client id with '/', '+' or '#' becomes one safe topic level")
    void clientIdSanitizedInTopic() throws Exception {
        Mqtt5BlockingClient watcher = clients.connectedV5("sys-watch3");
        var events = watcher.publishes(MqttGlobalPublishFilter.ALL);
        watcher.subscribeWith().topicFilter(prefix + "clients/+/connected").send();
        clients.connectedV5("plant/line+1#");
        Mqtt5Publish event = next(events);
        assertThat(event.getTopic().toString()).isEqualTo(prefix + "clients/plant_line_1_/connected");
        assertThat(json(text(event))).containsEntry("clientId", "plant/line+1#");
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] a '#' subscriber does not receive $SYS messages")
    void hashDoesNotMatchSys() throws Exception {
        Mqtt5BlockingClient everything = clients.connectedV5("sys-hash");
        var publishes = everything.publishes(MqttGlobalPublishFilter.ALL);
        everything.subscribeWith().topicFilter("#").send();
        clients.connectedV5("sys-other"); // produces a $SYS connected event
        clients.connectedV5("sys-hash-pub").publishWith().topic("plain").payload(utf8("END")).send();
        Mqtt5Publish first = next(publishes);
        assertThat(first.getTopic().toString()).isEqualTo("plain");
    }
}
