package io.unshub.bench.hivemq;

import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs HiveMQ Community Edition (embedded) as a comparison broker until the process is killed: one TCP listener on
 * the given loopback port, in-memory persistence (like the hub and a default Mosquitto, nothing is written to disk per
 * message), queues large enough that the load generator's windows never make it drop messages, and no anonymous
 * usage statistics (the benchmark must not talk to anything but loopback).
 *
 * <p>Usage: {@code java -cp bench.jar:$(cat bench/target/hivemq-classpath.txt)
 * io.unshub.bench.hivemq.EmbeddedHiveMqLauncher --port 1883 [--bind-address 127.0.0.1] [--max-queued-messages N]}
 */
public final class EmbeddedHiveMqLauncher {

    private static final String USAGE = "Usage: EmbeddedHiveMqLauncher --port PORT [--bind-address 127.0.0.1]"
            + " [--max-queued-messages 1000000]";

    private EmbeddedHiveMqLauncher() {
    }

    public static void main(String[] args) throws Exception {
        int port = -1;
        String bindAddress = "127.0.0.1";
        long maxQueuedMessages = 1_000_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--bind-address" -> bindAddress = args[i + 1];
                case "--max-queued-messages" -> maxQueuedMessages = Long.parseLong(args[i + 1]);
                default -> exitWithUsage("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0 || port < 1 || port > 65535) {
            exitWithUsage("--port 1..65535 is required");
        }

        Path home = Files.createTempDirectory("hivemq-bench-");
        Path configFolder = Files.createDirectories(home.resolve("conf"));
        Files.writeString(configFolder.resolve("config.xml"), configXml(port, bindAddress, maxQueuedMessages));
        Files.writeString(configFolder.resolve("logback.xml"), LOGBACK_XML);

        EmbeddedHiveMQ hiveMq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(configFolder)
                .withDataFolder(Files.createDirectories(home.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                hiveMq.stop().get(30, TimeUnit.SECONDS);
                hiveMq.close();
            } catch (Exception e) {
                System.err.println("HiveMQ did not stop cleanly: " + e);
            } finally {
                deleteRecursively(home);
                stopped.countDown();
            }
        }, "hivemq-shutdown"));

        hiveMq.start().get(120, TimeUnit.SECONDS);
        System.out.printf("HiveMQ CE listening on %s:%d (pid %d, home %s)%n",
                bindAddress, port, ProcessHandle.current().pid(), home);
        // Serve until SIGTERM/SIGINT: the shutdown hook stops the broker and releases this latch.
        stopped.await();
    }

    private static String configXml(int port, String bindAddress, long maxQueuedMessages) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard</strategy>
                        </queued-messages>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, bindAddress, maxQueuedMessages);
    }

    /** Without a logback.xml in the config folder logback logs everything at DEBUG, which would cost broker CPU. */
    private static final String LOGBACK_XML = """
            <configuration>
                <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder>
                        <pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern>
                    </encoder>
                </appender>
                <root level="INFO">
                    <appender-ref ref="CONSOLE"/>
                </root>
            </configuration>
            """;

    private static void exitWithUsage(String problem) {
        System.err.println("error: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}
