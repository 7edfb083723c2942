package io.unshub.historian.store;

import io.questdb.log.LogFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends the embedded QuestDB's own log to a rolling file under {@code <historian>/log} instead of the
 * console. QuestDB writes its log lines straight to the process's file descriptor 1, which would break the
 * hub's one-JSON-object-per-line console (uns.log-json), and announces its log configuration on
 * System.err; both are kept off the console. Configured once per JVM, before the first engine opens.
 */
final class EngineLog {

    private static boolean configured;

    private EngineLog() {
    }

    static synchronized void configureOnce(Path historianDirectory) {
        if (configured) {
            return;
        }
        configured = true;
        Path conf = historianDirectory.resolve("conf").resolve("log.conf");
        Path logDir = historianDirectory.resolve("log").toAbsolutePath();
        try {
            Files.createDirectories(conf.getParent());
            Files.createDirectories(logDir);
            Files.writeString(conf, """
                    # Written by the hub at every start: the embedded engine logs to files here, never to the console.
                    writers=file
                    w.file.class=io.questdb.log.LogRollingFileWriter
                    w.file.location=%s/questdb.log.${date:yyyyMMdd}
                    w.file.level=INFO,ERROR,CRITICAL,ADVISORY
                    w.file.rollEvery=day
                    w.file.rollSize=64m
                    """.formatted(logDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the historian engine's log configuration " + conf, e);
        }
        String previousOut = System.getProperty(LogFactory.CONFIG_SYSTEM_PROPERTY);
        PrintStream err = System.err;
        // QuestDB reads its log configuration from the system property "out" once, when its log starts,
        // and prints where it read it from on System.err: both are undone right after.
        System.setProperty(LogFactory.CONFIG_SYSTEM_PROPERTY, conf.toAbsolutePath().toString());
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            LogFactory.getInstance();
        } finally {
            System.setErr(err);
            if (previousOut == null) {
                System.clearProperty(LogFactory.CONFIG_SYSTEM_PROPERTY);
            } else {
                System.setProperty(LogFactory.CONFIG_SYSTEM_PROPERTY, previousOut);
            }
        }
    }
}
