package io.unshub.hub.historian;

import io.questdb.ServerMain;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An external QuestDB (a whole {@link ServerMain}, HTTP only, on a free loopback port) that the hub exports to and
 * queries aggregates from. A test may stop it early to see the hub's answer to an outage.
 */
public class ExternalQuestDbResource implements QuarkusTestResourceLifecycleManager {

    private static final Path DIR = Path.of("target", "test-external-questdb").toAbsolutePath();
    private static ServerMain server;

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (Files.exists(DIR)) {
                try (Stream<Path> files = Files.walk(DIR)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(DIR);
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            server = ServerMain.create(DIR.toString(), Map.of(
                    "QDB_HTTP_BIND_TO", "127.0.0.1:" + port,
                    "QDB_HTTP_MIN_ENABLED", "false",
                    "QDB_PG_ENABLED", "false",
                    "QDB_LINE_TCP_ENABLED", "false",
                    "QDB_LINE_UDP_ENABLED", "false",
                    "QDB_TELEMETRY_ENABLED", "false"));
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String url = "http://127.0.0.1:" + server.getHttpServerPort();
        return Map.of("uns.historian.export.enabled", "true",
                "uns.historian.export.url", url,
                "uns.historian.export.flush-interval", "100ms",
                "uns.historian.query.target", "external",
                "uns.historian.query.external.url", url,
                "uns.historian.query.external.timeout", "3s");
    }

    /** Takes the server away while the hub keeps running. */
    static synchronized void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void stop() {
        stopServer();
    }
}
