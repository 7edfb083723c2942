package io.unshub.hub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged hub as a process: {@code uns.log-json=true} turns every console line into one JSON object
 * (the banner included), and SIGTERM is a graceful stop: connected MQTT 5 clients are told the server is
 * shutting down (DISCONNECT 0x8B) and the process runs its shutdown to the end.
 */
class OperationsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Process hub;

    @AfterEach
    void kill() throws InterruptedException {
        if (hub != null) {
            hub.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void jsonLogsAndAGracefulStopOnSigterm() throws Exception {
        int port = freePort();
        Path log = dir.resolve("hub.log");
        hub = new ProcessBuilder(List.of(javaBinary(), "-Duns.log-json=true", "-Duns.mqtt.port=" + port,
                "-Duns.mqtt.ws-port=0", "-Duns.mqtt.host=127.0.0.1", "-Dquarkus.http.port=0",
                "-Duns.data-dir=" + dir.resolve("data"), "-Duns.config-dir=" + dir.resolve("config"),
                "-jar", System.getProperty("uns.hub.jar"))).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();

        JsonNode bannerLine = await().atMost(Duration.ofSeconds(60)).until(() -> banner(log), b -> b != null);
        assertThat(bannerLine.path("level").asText()).isEqualTo("INFO");
        assertThat(bannerLine.path("message").asText()).startsWith("UNS hub ")
                .contains("MQTT tcp   127.0.0.1:" + port).contains("logging    JSON");

        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("ops-it").serverHost("127.0.0.1")
                .serverPort(port).addDisconnectedListener(context -> {
                    if (context.getSource() == MqttDisconnectSource.SERVER) {
                        disconnected.complete(context.getCause());
                    }
                }).buildBlocking();
        client.connect();

        hub.destroy(); // SIGTERM
        Throwable cause = disconnected.get(20, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.SERVER_SHUTTING_DOWN);
        assertThat(hub.waitFor(30, TimeUnit.SECONDS)).as("the hub stops on SIGTERM").isTrue();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        // The JVM ends a SIGTERM with 128 + 15 once the shutdown hooks ran.
        assertThat(hub.exitValue()).as(String.join("\n", lines)).isEqualTo(143);
        assertThat(lines).as("the shutdown ran to the end").anyMatch(l -> l.contains("UNS hub stopped: MQTT listeners "
                + "closed, 1 connection(s) told the server is shutting down, broker store closed"));
        for (String line : lines) {
            assertThat(parse(line)).as("every console line is one JSON object: " + line).isNotNull();
        }
    }

    /** The banner's log record, once the hub has written it. */
    private static JsonNode banner(Path log) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            JsonNode node = parse(line);
            if (node != null && node.path("loggerName").asText().endsWith(".StartupBanner")) {
                return node;
            }
        }
        return null;
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() throws IOException {
        return ProcessHandle.current().info().command().orElseThrow(() -> new IOException("no java binary"));
    }
}
