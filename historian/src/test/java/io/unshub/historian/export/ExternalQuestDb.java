package io.unshub.historian.export;

import io.questdb.ServerMain;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A second, external QuestDB for tests: a whole {@link ServerMain} with only its HTTP server (the /exec JSON API
 * and line protocol over HTTP), bound to a free loopback port so it never clashes with 9000.
 */
public final class ExternalQuestDb {

    private ExternalQuestDb() {
    }

    /** Starts a server in {@code dir}; {@code env} adds {@code QDB_*} settings (e.g. HTTP basic credentials). */
    public static ServerMain start(Path dir, Map<String, String> env) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> all = new HashMap<>(Map.of(
                "QDB_HTTP_BIND_TO", "127.0.0.1:" + freePort(),
                "QDB_HTTP_MIN_ENABLED", "false",
                "QDB_PG_ENABLED", "false",
                "QDB_LINE_TCP_ENABLED", "false",
                "QDB_LINE_UDP_ENABLED", "false",
                "QDB_TELEMETRY_ENABLED", "false"));
        all.putAll(env);
        ServerMain server = ServerMain.create(dir.toString(), all);
        server.start();
        return server;
    }

    public static String url(ServerMain server) {
        return "http://127.0.0.1:" + server.getHttpServerPort();
    }

    /** The historian's export to {@code server} (org and bucket "uns", no token) in batches of {@code batchSize}. */
    public static ExportSettings exportTo(ServerMain server, int batchSize) {
        return new ExportSettings(url(server), "", "uns", "uns", batchSize, Duration.ofMillis(100), 10_000, 3,
                Duration.ofSeconds(1));
    }

    /** A loopback port nothing listens on (bound and released at once). */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
