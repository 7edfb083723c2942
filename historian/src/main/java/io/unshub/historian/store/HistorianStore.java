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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
    private final int legacyDays;
    /** Where the store records the highest sequence number before retention may drop the rows holding it. */
    static final String SEQUENCE_FLOOR_FILE = "sequence-floor";
    /** Written by the ingest thread (retention), read at start. */
    private volatile long sequenceFloor;

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
        long[] split = legacySplit(directory.resolve(SPLIT_FILE), longestInForce(defaultDays, classDays));
        this.legacyUntilMillis = split[0];
        this.legacyDays = (int) split[1];
        this.sequenceFloor = readSequenceFloor(directory.resolve(SEQUENCE_FLOOR_FILE));
    }

    /**
     * Reads the split marker, recording it on the first open: the receive time of the newest row stored before this
     * store had retention groups (the default group's tables were then shared by every class) and the longest
     * retention in force at that upgrade, which those rows keep. A marker without {@code legacy-days} (written before
     * it was recorded) gets the longest retention in force now, recorded once. An empty file (a crash while writing
     * it on a file system that does not order the rename after the data) is re-derived like a missing one.
     */
    private long[] legacySplit(Path file, int longestInForce) throws SqlException {
        try {
            String text = Files.exists(file) ? Files.readString(file).trim() : "";
            if (text.equals("none")) {
                return new long[] {NO_LEGACY, 0};
            }
            if (text.isEmpty()) {
                long last = NO_LEGACY;
                try (SqlExecutionContext ctx = newContext();
                     RecordCursorFactory factory = engine.select("SELECT ts FROM " + Schema.RAW + " LIMIT -1", ctx);
                     RecordCursor cursor = factory.getCursor(ctx)) {
                    if (cursor.hasNext()) {
                        last = cursor.getRecord().getTimestamp(0) / 1000;
                    }
                }
                writeAtomically(file, last == NO_LEGACY ? "none\n" : split(last, longestInForce));
                return new long[] {last, longestInForce};
            }
            long until = Long.MIN_VALUE;
            Integer days = null; // absent in a marker written before it was recorded
            for (String line : text.split("\n")) {
                String[] kv = line.trim().split("=", 2);
                switch (kv[0]) {
                    case "legacy-until-ms" -> until = Long.parseLong(kv[1].trim());
                    case "legacy-days" -> days = Integer.parseInt(kv[1].trim());
                    default -> throw new IOException("unexpected line \"" + line.trim() + "\"");
                }
            }
            if (until == Long.MIN_VALUE || (days != null && days < 0)) {
                throw new IOException("no legacy-until-ms, or negative legacy-days");
            }
            if (days == null) {
                days = longestInForce;
                writeAtomically(file, split(until, days));
            }
            return new long[] {until, days};
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot read or write " + file.toAbsolutePath()
                    + " (\"none\" or \"legacy-until-ms=<epoch ms>\" and \"legacy-days=<days>\" lines): "
                    + e.getMessage(), e));
        }
    }

    private static String split(long untilMillis, int days) {
        return "legacy-until-ms=" + untilMillis + "\nlegacy-days=" + days + "\n";
    }

    /** The longest retention of the groups in force, 0 (forever) when any keeps forever. */
    private static int longestInForce(int defaultDays, Collection<Integer> classDays) {
        int longest = defaultDays;
        for (int days : classDays) {
            if (days == 0 || longest == 0) {
                return 0;
            }
            longest = Math.max(longest, days);
        }
        return longest;
    }

    /**
     * Replaces {@code file} with {@code text} so a reader finds the old or the new content, never a torn one: written
     * to a temporary file beside it, forced to disk, then renamed over it atomically.
     */
    static void writeAtomically(Path file, String text) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads {@value #SEQUENCE_FLOOR_FILE}: -1 when absent or empty. */
    private static long readSequenceFloor(Path file) {
        try {
            String text = Files.exists(file) ? Files.readString(file).trim() : "";
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            throw new UncheckedIOException(new IOException("cannot read " + file.toAbsolutePath()
                    + " (the highest sequence number stored, one integer): " + e.getMessage(), e));
        }
    }

    /**
     * The highest sequence number recorded with {@link #recordSequenceFloor} (-1 when none): numbering continues above
     * it even when retention has emptied every table that held it.
     */
    public long sequenceFloor() {
        return sequenceFloor;
    }

    /**
     * Records {@code sequence} as a lower bound for numbering after a restart, before retention may drop the
     * partitions holding it; a no-op when an equal or higher one is recorded. Called on the ingest thread.
     *
     * @throws UncheckedIOException when the file cannot be written (retention must then not drop anything)
     */
    public void recordSequenceFloor(long sequence) {
        if (sequence <= sequenceFloor) {
            return;
        }
        Path file = directory.resolve(SEQUENCE_FLOOR_FILE);
        try {
            writeAtomically(file, sequence + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.toAbsolutePath(), e);
        }
        sequenceFloor = sequence;
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

    /**
     * The days the rows up to {@link #legacyUntilMillis()} keep: the longest retention in force when the store was
     * upgraded (0 = forever), recorded in {@value #SPLIT_FILE} so a later configuration does not change it.
     */
    public int legacyDays() {
        return legacyDays;
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
