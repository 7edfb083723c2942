package io.unshub.historian.store;

import io.questdb.cairo.CairoEngine;
import io.questdb.cairo.DefaultCairoConfiguration;
import io.questdb.cairo.TableToken;
import io.questdb.cairo.security.AllowAllSecurityContext;
import io.questdb.cairo.sql.Record;
import io.questdb.cairo.sql.RecordCursor;
import io.questdb.cairo.sql.RecordCursorFactory;
import io.questdb.griffin.SqlException;
import io.questdb.griffin.SqlExecutionContext;
import io.questdb.griffin.SqlExecutionContextImpl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded QuestDB engine under {@code <data-dir>/historian}: no network servers, only the storage
 * engine in this process. Creates the three tables on open ({@link Schema}) and hands out SQL contexts to
 * readers. The engine is thread-safe; the table writers belong to the ingest thread ({@link RowWriter}).
 */
public final class HistorianStore implements AutoCloseable {

    private final Path directory;
    private final CairoEngine engine;
    private final TableToken raw;
    private final TableToken numeric;
    private final TableToken text;

    private HistorianStore(Path directory, CairoEngine engine) throws SqlException {
        this.directory = directory;
        this.engine = engine;
        try (SqlExecutionContext ctx = newContext()) {
            for (String ddl : Schema.DDL) {
                engine.execute(ddl, ctx);
            }
        }
        this.raw = engine.verifyTableName(Schema.RAW);
        this.numeric = engine.verifyTableName(Schema.NUMERIC);
        this.text = engine.verifyTableName(Schema.TEXT);
    }

    /**
     * Opens (creating when absent) the store in {@code directory}. One process owns a directory at a time.
     *
     * @throws UncheckedIOException when the directory cannot be created or the tables cannot be created
     */
    public static HistorianStore open(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the historian directory " + directory.toAbsolutePath(), e);
        }
        EngineLog.configureOnce(directory);
        CairoEngine engine = new CairoEngine(new DefaultCairoConfiguration(directory.toAbsolutePath().toString()));
        try {
            return new HistorianStore(directory, engine);
        } catch (SqlException | RuntimeException e) {
            engine.close();
            throw new UncheckedIOException(new IOException("cannot open the historian store at "
                    + directory.toAbsolutePath() + ": " + e.getMessage(), e));
        }
    }

    public Path directory() {
        return directory;
    }

    public CairoEngine engine() {
        return engine;
    }

    public TableToken raw() {
        return raw;
    }

    public TableToken numeric() {
        return numeric;
    }

    public TableToken text() {
        return text;
    }

    /** A fresh SQL context for one thread; close it after use. */
    public SqlExecutionContext newContext() {
        return new SqlExecutionContextImpl(engine, 1).with(AllowAllSecurityContext.INSTANCE, null);
    }

    /** The first long column of the first row of {@code sql}, or {@code fallback} when there is no row or it is null. */
    public long queryLong(String sql, long fallback) throws SqlException {
        try (SqlExecutionContext ctx = newContext();
             RecordCursorFactory factory = engine.select(sql, ctx);
             RecordCursor cursor = factory.getCursor(ctx)) {
            if (!cursor.hasNext()) {
                return fallback;
            }
            Record record = cursor.getRecord();
            long value = record.getLong(0);
            return value == Long.MIN_VALUE ? fallback : value;
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
