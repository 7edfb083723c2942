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
import io.questdb.std.ObjHashSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The embedded QuestDB engine under {@code <data-dir>/historian}: no network servers, only the storage
 * engine in this process. Creates the tables of every retention group in force on open ({@link Schema}),
 * finds the groups earlier configurations left behind, and hands out SQL contexts to readers. The group
 * list is fixed when the store opens. The engine is thread-safe; the table writers belong to the ingest
 * thread ({@link RowWriter}).
 */
public final class HistorianStore implements AutoCloseable {

    private final Path directory;
    private final CairoEngine engine;
    /** Where the store records when its tables were first used per retention group. */
    static final String SPLIT_FILE = "retention-split";

    private final List<TableGroup> groups;
    private final long legacyUntilMillis;

    private HistorianStore(Path directory, CairoEngine engine, int defaultDays, Collection<Integer> classDays)
            throws SqlException {
        this.directory = directory;
        this.engine = engine;
        TreeSet<Integer> inForce = new TreeSet<>(classDays);
        inForce.remove(defaultDays);
        List<TableGroup> all = new ArrayList<>();
        all.add(create("", defaultDays, true));
        for (int days : inForce) {
            all.add(create(Schema.suffix(days), days, true));
        }
        // Groups an earlier configuration wrote to: still read, still expired by their own day count.
        TreeSet<Integer> left = new TreeSet<>();
        ObjHashSet<TableToken> tokens = new ObjHashSet<>();
        engine.getTableTokens(tokens, false);
        for (int i = 0; i < tokens.size(); i++) {
            int days = Schema.groupDays(tokens.get(i).getTableName());
            if (days >= 0 && !inForce.contains(days)) {
                left.add(days);
            }
        }
        for (int days : left) {
            all.add(create(Schema.suffix(days), days, false));
        }
        this.groups = List.copyOf(all);
        this.legacyUntilMillis = legacyUntil(directory.resolve(SPLIT_FILE));
    }

    /**
     * Reads the receive time of the newest row stored before this store had retention groups, recording it on the
     * first open: the default group's tables were then shared by every class and kept by the longest retention.
     */
    private long legacyUntil(Path file) throws SqlException {
        try {
            if (Files.exists(file)) {
                String text = Files.readString(file).trim();
                return text.equals("none") ? NO_LEGACY : Long.parseLong(text.substring(text.indexOf('=') + 1));
            }
            long last = NO_LEGACY;
            try (SqlExecutionContext ctx = newContext();
                 RecordCursorFactory factory = engine.select("SELECT ts FROM " + Schema.RAW + " LIMIT -1", ctx);
                 RecordCursor cursor = factory.getCursor(ctx)) {
                if (cursor.hasNext()) {
                    last = cursor.getRecord().getTimestamp(0) / 1000;
                }
            }
            Files.writeString(file, last == NO_LEGACY ? "none\n" : "legacy-until-ms=" + last + "\n");
            return last;
        } catch (IOException | NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new UncheckedIOException(new IOException("cannot read or write " + file.toAbsolutePath()
                    + " (\"none\" or \"legacy-until-ms=<epoch ms>\"): " + e.getMessage(), e));
        }
    }

    private TableGroup create(String suffix, int days, boolean inForce) throws SqlException {
        try (SqlExecutionContext ctx = newContext()) {
            for (String ddl : Schema.ddl(suffix)) {
                engine.execute(ddl, ctx);
            }
        }
        return new TableGroup(days, inForce, engine.verifyTableName(Schema.name(Schema.RAW, suffix)),
                engine.verifyTableName(Schema.name(Schema.NUMERIC, suffix)),
                engine.verifyTableName(Schema.name(Schema.TEXT, suffix)));
    }

    /** Opens the store with one retention group (everything kept forever, as far as the store knows). */
    public static HistorianStore open(Path directory) {
        return open(directory, 0, List.of());
    }

    /**
     * Opens (creating when absent) the store in {@code directory}, with the default group keeping
     * {@code defaultDays} and one more group per other day count in {@code classDays}. One process owns a
     * directory at a time.
     *
     * @throws UncheckedIOException when the directory cannot be created or the tables cannot be created
     */
    public static HistorianStore open(Path directory, int defaultDays, Collection<Integer> classDays) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the historian directory " + directory.toAbsolutePath(), e);
        }
        EngineLog.configureOnce(directory);
        CairoEngine engine = new CairoEngine(new DefaultCairoConfiguration(directory.toAbsolutePath().toString()));
        try {
            return new HistorianStore(directory, engine, defaultDays, classDays);
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

    /** The default group's raw log ({@value Schema#RAW}). */
    public TableToken raw() {
        return groups.get(0).raw();
    }

    public TableToken numeric() {
        return groups.get(0).numeric();
    }

    public TableToken text() {
        return groups.get(0).text();
    }

    /** {@link #legacyUntilMillis()} when the store was created with retention groups. */
    public static final long NO_LEGACY = Long.MIN_VALUE;

    /**
     * The receive time of the newest row written before the store had retention groups (an upgrade from the
     * single set of tables), or {@link #NO_LEGACY}. Those rows are all in the default group's tables, whatever
     * their class, and were promised the longest retention in force; retention keeps that promise for the
     * default group's partitions up to this time.
     */
    public long legacyUntilMillis() {
        return legacyUntilMillis;
    }

    /** Every retention group: the default one first, then those in force by days, then those left from earlier. */
    public List<TableGroup> groups() {
        return groups;
    }

    /** The index in {@link #groups()} of the group in force keeping {@code days} days (the default group when none). */
    public int groupIndex(int days) {
        for (int i = 1; i < groups.size(); i++) {
            TableGroup group = groups.get(i);
            if (group.inForce() && group.days() == days) {
                return i;
            }
        }
        return 0;
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
