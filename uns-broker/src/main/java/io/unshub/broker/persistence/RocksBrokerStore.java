package io.unshub.broker.persistence;

import io.unshub.broker.config.BrokerConfig;
import io.unshub.core.message.UnsMessage;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * The broker store on RocksDB: one column family per kind of record ({@link Family}), the write-ahead
 * log on, point-in-time WAL recovery (a torn last record after a crash is dropped whole, so every batch
 * is all or nothing).
 *
 * <p>Threading: one writer thread ("uns-store-writer") owns every write. {@link #commit} puts the batch
 * on a bounded queue and returns at once; when the queue holds {@link Options#queueCapacity()} batches
 * the commit fails with {@link StoreException.Reason#OVERLOADED} ("store overloaded") instead of
 * blocking, so an event loop never waits for the disk. The writer completes futures on its own thread,
 * in commit order, after the write (and the fsync the {@link Durability} asks for). Reads happen only in
 * {@link #recover}, at start-up, before the writer has anything to do.
 *
 * <p>How the fsync is done ({@link SyncMethod}): {@link SyncMethod#FLUSH_WAL} writes each batch to the WAL
 * as it is taken off the queue and then calls {@code FlushWAL(sync=true)} once for the group;
 * {@link SyncMethod#SYNC_WRITE} merges the group into one {@code WriteBatch} written with
 * {@code WriteOptions.sync=true}. Both are correct (a future completes only after an fsync that covered
 * its batch). The default is {@code SYNC_WRITE}: under full load one {@code db.write} per batch cost the broker about a
 * third of its CPU per message (bench/RESULTS.md, "Durable mode profiled").
 */
public final class RocksBrokerStore implements BrokerStore {

    private static final Logger LOG = LoggerFactory.getLogger(RocksBrokerStore.class);

    /** Layout version of the whole data directory, stored under {@link #FORMAT_KEY} in the default column family. */
    static final int STORE_FORMAT = 1;
    private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    /** Most batches one fsync covers, and most bytes: bounds the writer's memory and the latency of a group. */
    static final int MAX_GROUP = 4096;
    static final long MAX_GROUP_BYTES = 64L << 20;

    private static final Pending CLOSE = new Pending(null, null);

    /** How an fsync is requested. */
    public enum SyncMethod {
        /** Write each batch unsynced as it arrives, then {@code db.flushWal(true)} once per group. */
        FLUSH_WAL,
        /** Merge the group into one write with {@code WriteOptions.setSync(true)}. */
        SYNC_WRITE
    }

    /**
     * @param durability    when a commit completes
     * @param queueCapacity batches waiting for the writer beyond which commits fail as overloaded
     * @param syncMethod    how the fsync is requested
     */
    public record Options(Durability durability, int queueCapacity, SyncMethod syncMethod) {

        public static final int DEFAULT_QUEUE_CAPACITY = 65_536;

        public Options {
            if (durability == null || syncMethod == null) {
                throw new NullPointerException("durability and syncMethod are required");
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be positive");
            }
        }

        public static Options of(Durability durability) {
            return new Options(durability, DEFAULT_QUEUE_CAPACITY, SyncMethod.SYNC_WRITE);
        }
    }

    /** Test hook: called on the writer thread around each fsync. */
    interface SyncObserver {
        SyncObserver NONE = new SyncObserver() {
        };

        default void beforeSync(int batches) {
        }

        default void afterSync(long syncNumber, int batches) {
        }
    }

    private record Pending(StoreBatch batch, CompletableFuture<Void> future) {
    }

    private final Path directory;
    private final Options options;
    private final SyncObserver observer;
    private final boolean sync;
    private final boolean syncEachBatch;
    private final long windowNanos;
    private final boolean writeOnArrival;

    private final DBOptions dbOptions;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final RocksDB db;
    private final EnumMap<Family, ColumnFamilyHandle> handles = new EnumMap<>(Family.class);
    private final WriteOptions plainWrite;
    private final WriteOptions syncWrite;

    /** Capacity + 1: the close marker always fits. {@link #waiting} enforces the capacity for batches. */
    private final ArrayBlockingQueue<Pending> queue;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Thread writer;
    private final Object closeLock = new Object();

    private volatile boolean closed;
    /** Guarded by closeLock. */
    private boolean dbClosed;
    private volatile boolean commitsStarted;
    private volatile StoreException failure;
    private volatile long syncs;
    private volatile long batchesWritten;
    /** Bytes of the group being collected; writer thread only. */
    private long groupBytes;
    private final LongAdder overloads = new LongAdder();

    private RocksBrokerStore(Path directory, Options options, SyncObserver observer) throws IOException {
        this.directory = directory;
        this.options = options;
        this.observer = observer;
        Durability durability = options.durability();
        this.sync = durability.survivesPowerLoss();
        this.syncEachBatch = durability instanceof Durability.SyncEach;
        this.windowNanos = durability instanceof Durability.GroupCommit g
                ? TimeUnit.MILLISECONDS.toNanos(g.intervalMillis()) : 0;
        this.writeOnArrival = sync && options.syncMethod() == SyncMethod.FLUSH_WAL;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity() + 1);

        RocksDB.loadLibrary();
        Files.createDirectories(directory);
        dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // A torn record at the tail of the WAL (crash mid-write) is dropped with everything after it:
                // each batch is one WAL record, so recovery sees every batch whole or not at all.
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                // Bounds the memory of all memtables together, and the WAL kept for rarely written families.
                .setDbWriteBufferSize(64L << 20)
                .setMaxTotalWalSize(64L << 20)
                .setMaxBackgroundJobs(2)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2);
        resources.add(dbOptions);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        ColumnFamilyOptions defaultOptions = new ColumnFamilyOptions();
        resources.add(defaultOptions);
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, defaultOptions));
        for (Family family : Family.values()) {
            ColumnFamilyOptions cf = new ColumnFamilyOptions();
            resources.add(cf);
            descriptors.add(new ColumnFamilyDescriptor(family.columnFamilyName, cf));
        }
        List<ColumnFamilyHandle> opened = new ArrayList<>();
        try {
            db = RocksDB.open(dbOptions, directory.toString(), descriptors, opened);
        } catch (RocksDBException e) {
            closeResources();
            throw new IOException("cannot open the broker store at " + directory + ": " + e.getMessage(), e);
        }
        ColumnFamilyHandle defaultHandle = opened.get(0);
        Family[] families = Family.values();
        for (int i = 0; i < families.length; i++) {
            handles.put(families[i], opened.get(i + 1));
        }
        plainWrite = new WriteOptions();
        syncWrite = new WriteOptions().setSync(true);
        resources.add(plainWrite);
        resources.add(syncWrite);
        try {
            checkFormat(defaultHandle);
        } catch (IOException | RuntimeException e) {
            closeDb(opened);
            throw e;
        }
        resources.addAll(0, opened); // handles close before the database and its options
        writer = new Thread(this::runWriter, "uns-store-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Opens (creating if needed) the store in {@code directory}. */
    public static RocksBrokerStore open(Path directory, Options options) throws IOException {
        return new RocksBrokerStore(directory, options, SyncObserver.NONE);
    }

    public static RocksBrokerStore open(Path directory, Durability durability) throws IOException {
        return open(directory, Options.of(durability));
    }

    static RocksBrokerStore open(Path directory, Options options, SyncObserver observer) throws IOException {
        return new RocksBrokerStore(directory, options, observer);
    }

    private void checkFormat(ColumnFamilyHandle defaultHandle) throws IOException {
        try {
            byte[] format = db.get(defaultHandle, FORMAT_KEY);
            if (format == null) {
                db.put(defaultHandle, syncWrite, FORMAT_KEY, new byte[] {STORE_FORMAT});
            } else if (format.length != 1 || format[0] != STORE_FORMAT) {
                throw new IOException("the broker store at " + directory + " has format "
                        + Arrays.toString(format) + ", this hub reads format " + STORE_FORMAT
                        + " (written by a newer hub?)");
            }
        } catch (RocksDBException e) {
            throw new IOException("cannot read the broker store at " + directory + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public Durability durability() {
        return options.durability();
    }

    /** fsyncs done so far. */
    public long syncs() {
        return syncs;
    }

    /** Batches written (and synced, as the durability says) so far. */
    public long batchesWritten() {
        return batchesWritten;
    }

    /** Commits refused because the writer's queue was full. */
    public long overloads() {
        return overloads.sum();
    }

    /** Batches waiting for the writer. */
    public int queueDepth() {
        return waiting.get();
    }

    /** The failure that stopped the store, or {@code null} while it takes writes (for readiness). */
    public StoreException failure() {
        return failure;
    }

    // ---------------------------------------------------------------- commit (any thread)

    @Override
    public CompletableFuture<Void> commit(StoreBatch batch) {
        if (!batch.markCommitted()) {
            return CompletableFuture.failedFuture(new IllegalStateException("batch already committed"));
        }
        if (closed) {
            return CompletableFuture.failedFuture(StoreException.CLOSED);
        }
        StoreException failed = failure;
        if (failed != null) {
            return CompletableFuture.failedFuture(failed);
        }
        if (!commitsStarted) {
            commitsStarted = true;
        }
        if (waiting.incrementAndGet() > options.queueCapacity()) {
            waiting.decrementAndGet();
            overloads.increment();
            return CompletableFuture.failedFuture(StoreException.OVERLOADED);
        }
        Pending pending = new Pending(batch, new CompletableFuture<>());
        if (!queue.offer(pending)) {
            throw new AssertionError("queue bounded by the waiting count");
        }
        // Raced with close() or a writer failure: if the writer has not taken the batch, it may never will.
        if ((closed || failure != null) && queue.remove(pending)) {
            waiting.decrementAndGet();
            pending.future.completeExceptionally(failure != null ? failure : StoreException.CLOSED);
        }
        return pending.future;
    }

    // ---------------------------------------------------------------- the writer thread

    private void runWriter() {
        List<Pending> group = new ArrayList<>();
        try (WriteBatch wb = new WriteBatch()) {
            boolean closing = false;
            while (true) {
                // After the close marker: no more waiting, write what is still queued, then stop.
                Pending first = closing ? queue.poll() : take();
                if (first == null) {
                    break;
                }
                wb.clear();
                groupBytes = 0;
                if (first == CLOSE) {
                    closing = true;
                } else {
                    accept(group, first, wb);
                    if (windowNanos > 0 && !closing) {
                        closing = collectWindow(group, wb);
                    }
                    if (!syncEachBatch || closing) {
                        closing |= drainQueued(group, wb, MAX_GROUP);
                    }
                }
                finish(group, wb);
                group.clear();
            }
            if (failure == null) {
                db.syncWal(); // closing syncs, whatever the durability
            }
        } catch (Throwable t) {
            LOG.error("Broker store writer stopped", t);
            markFailed(t);
            group.forEach(p -> p.future.completeExceptionally(failure));
            failQueued();
        }
    }

    private Pending take() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // Nobody interrupts the writer; it stops through the close marker only.
            }
        }
    }

    /** Waits up to the group-commit window for more batches; true if the close marker came. */
    private boolean collectWindow(List<Pending> group, WriteBatch wb) {
        long deadline = System.nanoTime() + windowNanos;
        while (group.size() < MAX_GROUP && groupBytes < MAX_GROUP_BYTES) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            Pending next;
            try {
                next = queue.poll(remaining, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (next == null) {
                return false;
            }
            if (next == CLOSE) {
                return true;
            }
            accept(group, next, wb);
        }
        return false;
    }

    /** Takes what is queued now, without waiting; true if the close marker came. */
    private boolean drainQueued(List<Pending> group, WriteBatch wb, int limit) {
        while (group.size() < limit && groupBytes < MAX_GROUP_BYTES) {
            Pending next = queue.poll();
            if (next == null) {
                return false;
            }
            if (next == CLOSE) {
                return true;
            }
            accept(group, next, wb);
        }
        return false;
    }

    /** A batch taken off the queue joins the group: written now (FLUSH_WAL) or merged for one write. */
    private void accept(List<Pending> group, Pending pending, WriteBatch wb) {
        waiting.decrementAndGet();
        if (failure != null) {
            pending.future.completeExceptionally(failure);
            return;
        }
        try {
            if (writeOnArrival) {
                wb.clear();
                apply(pending.batch, wb);
                db.write(plainWrite, wb);
            } else {
                apply(pending.batch, wb);
            }
        } catch (RocksDBException e) {
            markFailed(e);
            pending.future.completeExceptionally(failure);
            return;
        }
        groupBytes += pending.batch.bytes();
        group.add(pending);
    }

    /** Writes the merged group (unless written on arrival), syncs as the durability asks, completes the futures. */
    private void finish(List<Pending> group, WriteBatch wb) {
        if (group.isEmpty()) {
            return;
        }
        try {
            if (sync) {
                observer.beforeSync(group.size());
                if (writeOnArrival) {
                    db.flushWal(true);
                } else {
                    db.write(syncWrite, wb);
                }
                long n = syncs + 1;
                syncs = n;
                observer.afterSync(n, group.size());
            } else {
                db.write(plainWrite, wb);
            }
        } catch (RocksDBException | RuntimeException e) {
            markFailed(e);
            group.forEach(p -> p.future.completeExceptionally(failure));
            return;
        }
        batchesWritten += group.size();
        for (Pending pending : group) {
            pending.future.complete(null);
        }
    }

    private void apply(StoreBatch batch, WriteBatch wb) throws RocksDBException {
        for (StoreBatch.Op op : batch.ops()) {
            ColumnFamilyHandle handle = handles.get(op.family());
            switch (op.kind()) {
                case PUT -> wb.put(handle, op.key(), op.value());
                case DELETE -> wb.delete(handle, op.key());
                case DELETE_RANGE -> wb.deleteRange(handle, op.key(), op.value());
            }
        }
    }

    private void markFailed(Throwable cause) {
        if (failure == null) {
            LOG.error("Broker store at {} failed; it takes no more writes", directory, cause);
            failure = new StoreException(StoreException.Reason.FAILED, "store failed: " + cause.getMessage(), cause);
        }
    }

    private void failQueued() {
        StoreException reason = failure != null ? failure : StoreException.CLOSED;
        Pending pending;
        while ((pending = queue.poll()) != null) {
            if (pending != CLOSE) {
                waiting.decrementAndGet();
                pending.future.completeExceptionally(reason);
            }
        }
    }

    // ---------------------------------------------------------------- close

    /**
     * Stops taking batches, lets the writer write and sync what it has, then closes the database.
     * Must not be called from the writer thread (a future's callback).
     */
    @Override
    public void close() {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException("close() from the store's writer thread (a commit callback)");
        }
        synchronized (closeLock) {
            if (!closed) {
                closed = true;
                if (!queue.offer(CLOSE)) {
                    throw new AssertionError("the close marker always fits");
                }
            }
            boolean interrupted = false;
            while (writer.isAlive()) {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            failQueued(); // nothing normally: a commit racing close removes itself
            if (!dbClosed) {
                dbClosed = true;
                closeDb(List.of());
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeDb(List<ColumnFamilyHandle> extraHandles) {
        extraHandles.forEach(ColumnFamilyHandle::close);
        // Handles before the database, the database before its options.
        for (AutoCloseable resource : resources) {
            if (resource instanceof ColumnFamilyHandle handle) {
                handle.close();
            }
        }
        try {
            db.closeE();
        } catch (RocksDBException e) {
            LOG.warn("Closing the broker store at {}: {}", directory, e.getMessage());
        }
        closeResources();
    }

    private void closeResources() {
        for (AutoCloseable resource : resources) {
            if (!(resource instanceof ColumnFamilyHandle)) {
                try {
                    resource.close();
                } catch (Exception e) {
                    LOG.debug("closing {}", resource, e);
                }
            }
        }
        resources.clear();
    }

    // ---------------------------------------------------------------- recovery (start-up only)

    @Override
    public RecoveredState recover(long nowMillis) {
        if (commitsStarted || closed) {
            throw new IllegalStateException("recover() runs once, at start-up, before the first commit");
        }
        long nowNanos = System.nanoTime();
        Recovery r = new Recovery(nowMillis, nowNanos);
        try (ReadOptions read = new ReadOptions().setFillCache(false)) {
            scan(read, Family.SESSIONS, r::session);
            scan(read, Family.SUBSCRIPTIONS, r::subscription);
            scan(read, Family.QUEUE, r::queued);
            scan(read, Family.INFLIGHT, r::inflight);
            scan(read, Family.PUBREL, r::pubrel);
            scan(read, Family.WILLS, r::will);
            scan(read, Family.RETAINED, r::retained);
        }
        if (!r.cleanup.isEmpty()) {
            commit(r.cleanup).join(); // start-up, not an event loop: waiting is fine here
        }
        RecoveredState state = r.result();
        RecoveredState.Stats s = state.stats();
        LOG.info("Broker store recovered {} sessions, {} retained messages, {} pending wills; dropped {} expired "
                        + "sessions ({} messages), {} expired queued and {} expired retained messages; {} unreadable records",
                state.sessions().size(), state.retained().size(), state.wills().size(), s.sessionsExpired(),
                s.messagesOfExpiredSessions(), s.queuedExpired(), s.retainedExpired(), s.unreadable());
        return state;
    }

    private void scan(ReadOptions read, Family family, BiConsumer<byte[], byte[]> visitor) {
        try (RocksIterator it = db.newIterator(handles.get(family), read)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                visitor.accept(it.key(), it.value());
            }
            it.status();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the broker store at " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The state of one recovery pass; used on the thread that called {@link #recover}. */
    private static final class Recovery {
        final long nowMillis;
        final long nowNanos;
        final StoreBatch cleanup = new StoreBatch();
        final Map<String, SessionParts> kept = new LinkedHashMap<>();
        /** Clients whose records go: expired sessions and records that belong to no session. */
        final Set<String> dropped = new HashSet<>();
        /** Clients whose session record could not be read: their records are left alone. */
        final Set<String> unreadableClients = new HashSet<>();
        final List<UnsMessage> retained = new ArrayList<>();
        final List<PendingWill> wills = new ArrayList<>();
        int sessionsExpired;
        int messagesOfExpiredSessions;
        int queuedExpired;
        int retainedExpired;
        int unreadable;

        Recovery(long nowMillis, long nowNanos) {
            this.nowMillis = nowMillis;
            this.nowNanos = nowNanos;
        }

        void session(byte[] key, byte[] value) {
            String clientId;
            try {
                BinaryReader in = new BinaryReader(key);
                clientId = in.readString();
                in.expectEnd("session key");
            } catch (StoreFormatException e) {
                unreadable(Family.SESSIONS, key, e);
                return;
            }
            RecordCodec.SessionValues state;
            try {
                state = RecordCodec.readSession(value);
            } catch (StoreFormatException e) {
                unreadable(Family.SESSIONS, key, e);
                unreadableClients.add(clientId);
                return;
            }
            long expiry = state.expirySeconds();
            long disconnectedAt = state.disconnectedAtMillis();
            if (expiry < 0 || (disconnectedAt < 0 && disconnectedAt != SessionRecord.CONNECTED)) {
                unreadable(Family.SESSIONS, key, new StoreFormatException("session values out of range"));
                unreadableClients.add(clientId);
                return;
            }
            boolean connected = disconnectedAt == SessionRecord.CONNECTED;
            long from = connected ? nowMillis : disconnectedAt;
            long expiresAt = expiry >= BrokerConfig.NEVER_EXPIRE ? Long.MAX_VALUE
                    : saturatedAdd(from, expiry * 1000L);
            if (expiry == 0 || expiresAt <= nowMillis) {
                sessionsExpired++;
                drop(clientId);
                return;
            }
            if (connected) {
                // Its connection died with the hub: the expiry starts now, and a second restart must not restart it.
                cleanup.putSessionState(clientId, expiry, nowMillis, state.owner(), state.ownerKnown());
            }
            kept.put(clientId, new SessionParts(clientId, expiry, from, expiresAt, state.owner(), state.ownerKnown()));
        }

        void subscription(byte[] key, byte[] value) {
            BinaryReader in = new BinaryReader(key);
            String clientId;
            String filter;
            try {
                clientId = in.readString();
                filter = in.readStringTail();
            } catch (StoreFormatException e) {
                unreadable(Family.SUBSCRIPTIONS, key, e);
                return;
            }
            SessionParts session = owner(clientId);
            if (session == null) {
                return;
            }
            try {
                session.subscriptions.add(RecordCodec.readSubscription(filter, value));
            } catch (StoreFormatException | IllegalArgumentException e) {
                unreadable(Family.SUBSCRIPTIONS, key, e);
            }
        }

        void queued(byte[] key, byte[] value) {
            BinaryReader in = new BinaryReader(key);
            String clientId;
            long sequence;
            try {
                clientId = in.readString();
                sequence = in.readLongBE();
                in.expectEnd("queue key");
            } catch (StoreFormatException e) {
                unreadable(Family.QUEUE, key, e);
                return;
            }
            SessionParts session = owner(clientId);
            if (session == null) {
                countDropped(clientId);
                return;
            }
            session.sequence(sequence);
            QueuedMessage queued;
            try {
                queued = RecordCodec.readQueued(sequence, value, nowMillis, nowNanos);
            } catch (StoreFormatException | IllegalArgumentException e) {
                unreadable(Family.QUEUE, key, e);
                return;
            }
            if (queued.message().isExpired(nowNanos)) {
                queuedExpired++;
                cleanup.removeQueued(clientId, sequence);
            } else {
                session.queued.add(queued);
            }
        }

        void inflight(byte[] key, byte[] value) {
            BinaryReader in = new BinaryReader(key);
            String clientId;
            int packetId;
            try {
                clientId = in.readString();
                packetId = in.readShortBE();
                in.expectEnd("in-flight key");
            } catch (StoreFormatException e) {
                unreadable(Family.INFLIGHT, key, e);
                return;
            }
            SessionParts session = owner(clientId);
            if (session == null) {
                countDropped(clientId);
                return;
            }
            try {
                // Once sent, a message stays in flight even if its expiry passes: delivery has begun.
                InflightMessage inflight = RecordCodec.readInflight(packetId, value, nowMillis, nowNanos);
                session.sequence(inflight.sequence());
                session.inflight.add(inflight);
            } catch (StoreFormatException | IllegalArgumentException e) {
                unreadable(Family.INFLIGHT, key, e);
            }
        }

        void pubrel(byte[] key, byte[] value) {
            BinaryReader in = new BinaryReader(key);
            try {
                String clientId = in.readString();
                int packetId = in.readShortBE();
                in.expectEnd("pubrel key");
                SessionParts session = owner(clientId);
                if (session != null) {
                    session.awaitingPubRel.add(packetId);
                }
            } catch (StoreFormatException e) {
                unreadable(Family.PUBREL, key, e);
            }
        }

        void will(byte[] key, byte[] value) {
            try {
                BinaryReader in = new BinaryReader(key);
                String clientId = in.readString();
                in.expectEnd("will key");
                wills.add(RecordCodec.readWill(clientId, value, nowMillis, nowNanos));
            } catch (StoreFormatException | IllegalArgumentException e) {
                unreadable(Family.WILLS, key, e);
            }
        }

        void retained(byte[] key, byte[] value) {
            UnsMessage message;
            try {
                message = MessageCodec.decode(value, nowMillis, nowNanos);
            } catch (StoreFormatException | IllegalArgumentException e) {
                unreadable(Family.RETAINED, key, e);
                return;
            }
            if (message.isExpired(nowNanos)) {
                retainedExpired++;
                cleanup.removeRetained(message.topic());
            } else {
                retained.add(message);
            }
        }

        /** The kept session a record belongs to, or null (after arranging its removal if it is an orphan). */
        private SessionParts owner(String clientId) {
            SessionParts session = kept.get(clientId);
            if (session == null && !unreadableClients.contains(clientId)) {
                drop(clientId);
            }
            return session;
        }

        private void countDropped(String clientId) {
            if (dropped.contains(clientId)) {
                messagesOfExpiredSessions++;
            }
        }

        private void drop(String clientId) {
            if (dropped.add(clientId)) {
                cleanup.removeSession(clientId);
            }
        }

        private void unreadable(Family family, byte[] key, Exception e) {
            unreadable++;
            LOG.error("Unreadable {} record (key {}), skipped and left in place: {}", family,
                    Arrays.toString(Arrays.copyOf(key, Math.min(key.length, 64))), e.getMessage());
        }

        RecoveredState result() {
            List<RecoveredState.RecoveredSession> sessions = new ArrayList<>(kept.size());
            for (SessionParts parts : kept.values()) {
                parts.inflight.sort(Comparator.comparingLong(InflightMessage::sequence));
                SessionRecord record = new SessionRecord(parts.clientId, parts.expirySeconds, parts.disconnectedAt,
                        parts.subscriptions, parts.owner, parts.ownerKnown);
                sessions.add(new RecoveredState.RecoveredSession(record, parts.expiresAt, parts.queued,
                        parts.inflight, parts.awaitingPubRel, parts.maxSequence + 1));
            }
            return new RecoveredState(retained, sessions, wills, new RecoveredState.Stats(sessionsExpired,
                    messagesOfExpiredSessions, queuedExpired, retainedExpired, unreadable));
        }

        private static long saturatedAdd(long a, long b) {
            long sum = a + b;
            return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
        }
    }

    private static final class SessionParts {
        final String clientId;
        final long expirySeconds;
        final long disconnectedAt;
        final long expiresAt;
        final String owner;
        final boolean ownerKnown;
        final List<StoredSubscription> subscriptions = new ArrayList<>();
        final List<QueuedMessage> queued = new ArrayList<>();
        final List<InflightMessage> inflight = new ArrayList<>();
        final Set<Integer> awaitingPubRel = new HashSet<>();
        long maxSequence = -1;

        SessionParts(String clientId, long expirySeconds, long disconnectedAt, long expiresAt, String owner,
                     boolean ownerKnown) {
            this.owner = owner;
            this.ownerKnown = ownerKnown;
            this.clientId = clientId;
            this.expirySeconds = expirySeconds;
            this.disconnectedAt = disconnectedAt;
            this.expiresAt = expiresAt;
        }

        void sequence(long sequence) {
            maxSequence = Math.max(maxSequence, sequence);
        }
    }
}
