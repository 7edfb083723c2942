package io.unshub.broker.persistence;

import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.persistence.InflightMessage.State;
import io.unshub.broker.persistence.RecoveredState.RecoveredSession;
import io.unshub.broker.persistence.RocksBrokerStore.Options;
import io.unshub.broker.persistence.RocksBrokerStore.SyncMethod;
import io.unshub.core.message.UnsMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.unshub.broker.persistence.StoreTestData.assertSameMessage;
import static io.unshub.broker.persistence.StoreTestData.expiring;
import static io.unshub.broker.persistence.StoreTestData.message;
import static io.unshub.broker.persistence.StoreTestData.payload;
import static io.unshub.broker.persistence.StoreTestData.rich;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RocksBrokerStoreTest {

    private static final long HOUR = 3600;

    @TempDir
    Path dir;

    private final List<RocksBrokerStore> open = new ArrayList<>();

    @AfterEach
    void closeStores() {
        open.forEach(RocksBrokerStore::close);
    }

    private RocksBrokerStore open(Durability durability) throws IOException {
        return track(RocksBrokerStore.open(dir, durability));
    }

    private RocksBrokerStore open(Options options, RocksBrokerStore.SyncObserver observer) throws IOException {
        return track(RocksBrokerStore.open(dir, options, observer));
    }

    private RocksBrokerStore track(RocksBrokerStore store) {
        open.add(store);
        return store;
    }

    /** Closes the store and opens the directory again, as a restart would. */
    private RocksBrokerStore reopen(RocksBrokerStore store) throws IOException {
        store.close();
        return open(store.durability());
    }

    private static void commit(BrokerStore store, StoreBatch batch) {
        store.commit(batch).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static Map<String, RecoveredSession> byClient(RecoveredState state) {
        return state.sessions().stream().collect(Collectors.toMap(s -> s.session().clientId(), Function.identity()));
    }

    private static SessionRecord connected(String clientId, StoredSubscription... subscriptions) {
        return new SessionRecord(clientId, HOUR, SessionRecord.CONNECTED, List.of(subscriptions));
    }

    // ---------------------------------------------------------------- queued messages

    @Test
    void queuedMessagesComeBackInSequenceOrderPerClient() throws IOException {
        RocksBrokerStore store = open(Durability.syncEach());
        // Client ids that prefix each other, an empty one and non-ASCII: each keeps its own range.
        List<String> clients = List.of("a", "ab", "", "säge/7");
        commit(store, clients.stream().reduce(new StoreBatch(), (b, c) -> b.putSession(connected(c)), (x, y) -> x));
        for (int seq = 0; seq < 300; seq++) { // across the 255/256 byte boundary of the big-endian key
            StoreBatch batch = new StoreBatch();
            for (String client : clients) {
                batch.appendQueued(client, seq, message("t/" + client, client + ":" + seq), 1, false,
                        seq % 2 == 0 ? null : new int[] {seq, 7});
            }
            store.commit(batch);
        }
        StoreBatch removals = new StoreBatch();
        for (int seq = 0; seq < 300; seq += 3) {
            removals.removeQueued("a", seq);
        }
        commit(store, removals);

        Map<String, RecoveredSession> sessions = byClient(reopen(store).recover());

        assertThat(sessions).containsOnlyKeys(clients);
        List<QueuedMessage> a = sessions.get("a").queued();
        assertThat(a).extracting(QueuedMessage::sequence)
                .containsExactlyElementsOf(Stream.iterate(1L, s -> s < 300, s -> s + 1).filter(s -> s % 3 != 0).toList());
        assertThat(a).extracting(q -> payload(q.message())).startsWith("a:1", "a:2", "a:4");
        assertThat(a.get(0).subscriptionIds()).containsExactly(1, 7);
        assertThat(a.get(1).subscriptionIds()).isNull();
        for (String client : List.of("ab", "", "säge/7")) {
            RecoveredSession session = sessions.get(client);
            assertThat(session.queued()).hasSize(300);
            assertThat(session.queued()).extracting(QueuedMessage::sequence).isSorted();
            assertThat(session.queued()).allSatisfy(q -> assertThat(payload(q.message())).startsWith(client + ":"));
            assertThat(session.nextSequence()).isEqualTo(300);
        }
        assertThat(sessions.get("a").nextSequence()).isEqualTo(300);
    }

    @Test
    void aQueuedMessageKeepsAllItsFields() throws IOException {
        RocksBrokerStore store = open(Durability.syncEach());
        UnsMessage message = rich("enterprise/site/area/line/temp", "{\"v\":21.5}");
        commit(store, new StoreBatch().putSession(connected("c")).appendQueued("c", 41, message, 2, true, new int[] {3}));

        QueuedMessage queued = reopen(store).recover().sessions().get(0).queued().get(0);

        assertSameMessage(queued.message(), message, false);
        assertThat(queued.qos()).isEqualTo(2);
        assertThat(queued.retain()).isTrue();
        assertThat(queued.sequence()).isEqualTo(41);
        assertThat(queued.message().remainingExpirySeconds(System.nanoTime())).isBetween(HOUR - 60, HOUR);
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void sessionsKeepTheirStateAndSubscriptionsWithAllOptions() throws IOException {
        RocksBrokerStore store = open(Durability.syncEach());
        StoredSubscription plain = new StoredSubscription("a/#", 1, false, false, 0, 0);
        StoredSubscription options = new StoredSubscription("$share/g/b/+", 2, true, true, 2, 268_435_455);
        commit(store, new StoreBatch().putSession(connected("c1", plain, options)).putSession(connected("c2", plain)));
        commit(store, new StoreBatch()
                .putSubscription("c1", new StoredSubscription("a/#", 0, true, false, 1, 5)) // replaces a/#
                .putSubscription("c1", new StoredSubscription("x", 1, false, false, 0, 0))
                .removeSubscription("c1", "$share/g/b/+")
                .putSessionState("c1", 120, 1_700_000_000_000L, null) // a disconnect keeps the subscriptions
                .putSession(new SessionRecord("c2", 7200, SessionRecord.CONNECTED, List.of())));

        Map<String, RecoveredSession> sessions = byClient(reopen(store).recover(1_700_000_060_000L));

        SessionRecord c1 = sessions.get("c1").session();
        assertThat(c1.expirySeconds()).isEqualTo(120);
        assertThat(c1.disconnectedAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(sessions.get("c1").expiresAtMillis()).isEqualTo(1_700_000_120_000L);
        assertThat(c1.subscriptions()).containsExactlyInAnyOrder(
                new StoredSubscription("a/#", 0, true, false, 1, 5), new StoredSubscription("x", 1, false, false, 0, 0));
        assertThat(sessions.get("c2").session().subscriptions()).isEmpty(); // putSession replaces the whole set
        assertThat(sessions.get("c2").session().expirySeconds()).isEqualTo(7200);
    }

    @Test
    void sessionsKeepTheirOwnerAcrossStateUpdatesAndTheRecoveryRewrite() throws IOException {
        RocksBrokerStore store = open(Durability.syncEach());
        commit(store, new StoreBatch()
                .putSession(new SessionRecord("alice-plc", HOUR, SessionRecord.CONNECTED, List.of(), "alice"))
                .putSession(new SessionRecord("anon", HOUR, SessionRecord.CONNECTED, List.of(), null))
                .putSession(new SessionRecord("legacy", HOUR, SessionRecord.CONNECTED, List.of(), null, false))
                .putSessionState("alice-plc", HOUR, 1_700_000_000_000L, "alice"));

        // The first recovery rewrites the connected sessions' state; the second reads what it wrote.
        RocksBrokerStore second = reopen(store);
        second.recover(1_700_000_060_000L);
        Map<String, RecoveredSession> sessions = byClient(reopen(second).recover(1_700_000_120_000L));

        assertThat(sessions.get("alice-plc").session().owner()).isEqualTo("alice");
        assertThat(sessions.get("alice-plc").session().ownerKnown()).isTrue();
        assertThat(sessions.get("anon").session().owner()).isNull();
        assertThat(sessions.get("anon").session().ownerKnown()).as("anonymous is an owner too").isTrue();
        assertThat(sessions.get("legacy").session().ownerKnown()).as("a record without owner stays so").isFalse();
    }

    @Test
    void removingASessionRemovesEverythingOfItButNotItsWillNorOtherClients() throws IOException {
        RocksBrokerStore store = open(Durability.syncEach());
        for (String client : List.of("c", "c2")) {
            commit(store, new StoreBatch()
                    .putSession(connected(client, new StoredSubscription("a", 1, false, false, 0, 0)))
                    .appendQueued(client, 0, message("a", "q"), 1, false, null)
                    .putInflight(client, InflightMessage.sent(1, 1, message("a", "i"), 1, false, null))
                    .addAwaitingPubRel(client, 9)
                    .putWill(new PendingWill(client, message("will/" + client, "gone"), 1L << 50)));
        }
        commit(store, new StoreBatch().removeSession("c"));

        RecoveredState state = reopen(store).recover();

        assertThat(state.sessions()).extracting(s -> s.session().clientId()).containsExactly("c2");
        RecoveredSession c2 = state.sessions().get(0);
        assertThat(c2.queued()).hasSize(1);
        assertThat(c2.inflight()).hasSize(1);
        assertThat(c2.awaitingPubRel()).containsExactly(9);
        assertThat(c2.session().subscriptions()).hasSize(1);
        assertThat(state.wills()).extracting(PendingWill::clientId).containsExactlyInAnyOrder("c", "c2");
        assertThat(state.stats().sessionsExpired()).isZero();
    }

    // ---------------------------------------------------------------- in flight, PUBREL

    @Test
    void inflightComesBackInSendOrderAcrossPacketIdWrapAndKeepsQos2State() throws IOException {
        RocksBrokerStore store = open(Durability.syncEach());
        commit(store, new StoreBatch().putSession(connected("c"))
                .putInflight("c", InflightMessage.sent(65_535, 10, message("t", "m10"), 2, false, null))
                .putInflight("c", InflightMessage.sent(1, 11, message("t", "m11"), 1, true, new int[] {4}))
                .putInflight("c", InflightMessage.sent(2, 12, message("t", "m12"), 2, false, null))
                .putInflight("c", InflightMessage.sent(3, 13, message("t", "m13"), 1, false, null))
                .addAwaitingPubRel("c", 100).addAwaitingPubRel("c", 65_535).addAwaitingPubRel("c", 7));
        commit(store, new StoreBatch()
                .pubRecReceived("c", 65_535, 10) // PUBREC: only the PUBREL is left
                .removeInflight("c", 3) // PUBACK
                .removeAwaitingPubRel("c", 7)); // PUBREL received

        RecoveredSession session = reopen(store).recover().sessions().get(0);

        assertThat(session.inflight()).extracting(InflightMessage::packetId).containsExactly(65_535, 1, 2);
        InflightMessage released = session.inflight().get(0);
        assertThat(released.state()).isEqualTo(State.PUBREC_RECEIVED);
        assertThat(released.message()).isNull();
        InflightMessage sent = session.inflight().get(1);
        assertThat(sent.state()).isEqualTo(State.SENT);
        assertThat(payload(sent.message())).isEqualTo("m11");
        assertThat(sent.qos()).isEqualTo(1);
        assertThat(sent.retain()).isTrue();
        assertThat(sent.subscriptionIds()).containsExactly(4);
        assertThat(session.awaitingPubRel()).containsExactlyInAnyOrder(100, 65_535);
        assertThat(session.nextSequence()).isEqualTo(13); // above every stored one; 13 was acknowledged and is free
    }

    // ---------------------------------------------------------------- wills, retained

    @Test
    void pendingWillsAreReplacedAndRemoved() throws IOException {
        RocksBrokerStore store = open(Durability.syncEach());
        UnsMessage will = rich("status/plc-7", "offline");
        commit(store, new StoreBatch()
                .putWill(new PendingWill("a", message("status/a", "old"), 1))
                .putWill(new PendingWill("b", message("status/b", "offline"), 2)));
        commit(store, new StoreBatch()
                .putWill(new PendingWill("a", will, 1_800_000_000_000L))
                .removeWill("b"));

        List<PendingWill> wills = reopen(store).recover().wills();

        assertThat(wills).hasSize(1);
        assertThat(wills.get(0).clientId()).isEqualTo("a");
        assertThat(wills.get(0).dueAtMillis()).isEqualTo(1_800_000_000_000L);
        assertSameMessage(wills.get(0).message(), will, false);
    }

    @Test
    void retainedMessagesArePutReplacedAndCleared() throws IOException {
        RocksBrokerStore store = open(Durability.syncEach());
        UnsMessage three = rich("a/3", "three");
        commit(store, new StoreBatch()
                .putRetained(message("a/1", "one"))
                .putRetained(message("a/2", "two"))
                .putRetained(three));
        commit(store, new StoreBatch()
                .applyRetained(message("a/1", "uno"))
                .applyRetained(message("a/2", "")) // empty payload clears [MQTT-3.3.1-6]
                .removeRetained("nothing/here"));

        List<UnsMessage> retained = reopen(store).recover().retained();

        assertThat(retained).extracting(UnsMessage::topic).containsExactlyInAnyOrder("a/1", "a/3");
        assertThat(retained.stream().filter(m -> m.topic().equals("a/1")).map(StoreTestData::payload)).containsExactly("uno");
        assertSameMessage(retained.stream().filter(m -> m.topic().equals("a/3")).findFirst().orElseThrow(), three, false);
    }

    // ---------------------------------------------------------------- expiry at recovery

    @Test
    void recoveryDropsWhatExpiredWhileTheHubWasDown() throws IOException {
        long now = System.currentTimeMillis();
        long restart = now + 20_000; // the hub was down for 20 s after these writes
        RocksBrokerStore store = open(Durability.syncEach());
        commit(store, new StoreBatch()
                // expired: disconnected 100 s before the restart with 60 s expiry; its three messages go with it
                .putSession(new SessionRecord("gone", 60, restart - 100_000, List.of()))
                .appendQueued("gone", 0, message("t", "1"), 1, false, null)
                .appendQueued("gone", 1, message("t", "2"), 1, false, null)
                .putInflight("gone", InflightMessage.sent(1, 2, message("t", "3"), 1, false, null))
                // kept: disconnected 10 s before, 60 s expiry
                .putSession(new SessionRecord("kept", 60, restart - 10_000, List.of()))
                .appendQueued("kept", 0, expiring("t", "5s", 5), 1, false, null) // 5 s expiry, 20 s passed: dropped
                .appendQueued("kept", 1, expiring("t", "100s", 100), 1, false, null)
                .appendQueued("kept", 2, message("t", "forever"), 1, false, null)
                .putInflight("kept", InflightMessage.sent(5, 3, expiring("t", "sent", 5), 1, false, null))
                // connected when the hub died: expiry 0 ends with the connection, 30 s starts at the restart
                .putSession(new SessionRecord("zero", 0, SessionRecord.CONNECTED, List.of()))
                .putSession(new SessionRecord("thirty", 30, SessionRecord.CONNECTED, List.of()))
                .putSession(new SessionRecord("never", BrokerConfig.NEVER_EXPIRE, 1, List.of()))
                .putRetained(expiring("r/old", "x", 10))
                .putRetained(expiring("r/fresh", "x", 1000))
                .putRetained(message("r/plain", "x")));

        store.close();
        RocksBrokerStore restarted = open(Durability.syncEach());
        RecoveredState state = restarted.recover(restart);

        Map<String, RecoveredSession> sessions = byClient(state);
        assertThat(sessions).containsOnlyKeys("kept", "thirty", "never");
        assertThat(sessions.get("kept").queued()).extracting(q -> payload(q.message())).containsExactly("100s", "forever");
        assertThat(sessions.get("kept").queued().get(0).message().remainingExpirySeconds(System.nanoTime()))
                .isBetween(79L, 81L); // 20 s down, give or take the test's own run time
        assertThat(sessions.get("kept").inflight()).hasSize(1); // in flight stays: delivery has begun
        assertThat(sessions.get("kept").nextSequence()).isEqualTo(4);
        assertThat(sessions.get("kept").expiresAtMillis()).isEqualTo(restart + 50_000);
        assertThat(sessions.get("thirty").session().disconnectedAtMillis()).isEqualTo(restart);
        assertThat(sessions.get("thirty").expiresAtMillis()).isEqualTo(restart + 30_000);
        assertThat(sessions.get("never").expiresAtMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(state.retained()).extracting(UnsMessage::topic).containsExactlyInAnyOrder("r/fresh", "r/plain");
        assertThat(state.stats()).isEqualTo(new RecoveredState.Stats(2, 3, 1, 1, 0));

        // The removal is stored, and the connected session's expiry does not restart on a second restart.
        RecoveredState again = reopen(restarted).recover(restart + 10_000);
        assertThat(again.stats()).isEqualTo(new RecoveredState.Stats(0, 0, 0, 0, 0));
        assertThat(byClient(again)).containsOnlyKeys("kept", "thirty", "never");
        assertThat(byClient(again).get("thirty").expiresAtMillis()).isEqualTo(restart + 30_000);
        assertThat(again.retained()).hasSize(2);
    }

    // ---------------------------------------------------------------- durability modes

    static Stream<Arguments> modes() {
        return Stream.of(
                Arguments.of(Durability.syncEach(), SyncMethod.FLUSH_WAL),
                Arguments.of(Durability.syncEach(), SyncMethod.SYNC_WRITE),
                Arguments.of(Durability.groupCommit(0), SyncMethod.FLUSH_WAL),
                Arguments.of(Durability.groupCommit(2), SyncMethod.FLUSH_WAL),
                Arguments.of(Durability.groupCommit(2), SyncMethod.SYNC_WRITE),
                Arguments.of(Durability.noSync(), SyncMethod.FLUSH_WAL));
    }

    @ParameterizedTest
    @MethodSource("modes")
    void concurrentCommitsAllSurviveCloseAndReopen(Durability durability, SyncMethod method) throws Exception {
        RocksBrokerStore store = open(new Options(durability, 1024, method), RocksBrokerStore.SyncObserver.NONE);
        int callers = 4;
        int perCaller = 200;
        List<CompletableFuture<Void>> futures = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int c = 0; c < callers; c++) {
                String client = "client-" + c;
                pool.execute(() -> {
                    futures.add(store.commit(new StoreBatch().putSession(connected(client))));
                    for (int seq = 0; seq < perCaller; seq++) {
                        futures.add(store.commit(new StoreBatch()
                                .appendQueued(client, seq, message("t", client + ":" + seq), 1, false, null)
                                .putRetained(message("last/" + client, Integer.toString(seq)))));
                    }
                });
            }
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        if (durability.survivesPowerLoss()) {
            assertThat(store.syncs()).isPositive();
        } else {
            assertThat(store.syncs()).isZero();
        }

        RecoveredState state = reopen(store).recover();

        assertThat(state.sessions()).hasSize(callers);
        for (RecoveredSession session : state.sessions()) {
            assertThat(session.queued()).extracting(QueuedMessage::sequence)
                    .containsExactlyElementsOf(Stream.iterate(0L, s -> s < perCaller, s -> s + 1).toList());
        }
        assertThat(state.retained()).extracting(StoreTestData::payload).containsOnly(Integer.toString(perCaller - 1));
    }

    /** Blocks the writer in front of its first fsync until released. */
    private static final class GateAtFirstSync implements RocksBrokerStore.SyncObserver {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void beforeSync(int batches) {
            events.add("before sync of " + batches);
            reached.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void afterSync(long syncNumber, int batches) {
            events.add("sync " + syncNumber + " of " + batches);
        }

        void awaitReached() throws InterruptedException {
            assertThat(reached.await(10, TimeUnit.SECONDS)).as("writer reached the sync").isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("modes")
    void aCommitCompletesOnlyAfterTheSyncThatCoversIt(Durability durability, SyncMethod method) throws Exception {
        if (!durability.survivesPowerLoss()) {
            return; // nothing to wait for
        }
        GateAtFirstSync gate = new GateAtFirstSync();
        RocksBrokerStore store = open(new Options(durability, 1024, method), gate);

        CompletableFuture<Void> first = store.commit(new StoreBatch().putRetained(message("a", "1")));
        gate.awaitReached();
        List<CompletableFuture<Void>> later = new ArrayList<>();
        List<String> completions = Collections.synchronizedList(new ArrayList<>());
        // Awaiting the recording callbacks, not just the commits: a commit is done before its callback has run.
        List<CompletableFuture<Void>> recorded = new ArrayList<>();
        recorded.add(first.thenRun(() -> completions.add("batch 0 after " + store.syncs() + " syncs")));
        for (int i = 1; i <= 10; i++) {
            int id = i;
            CompletableFuture<Void> f = store.commit(new StoreBatch().putRetained(message("a", Integer.toString(i))));
            recorded.add(f.thenRun(() -> completions.add("batch " + id + " after " + store.syncs() + " syncs")));
            later.add(f);
        }

        // The writer is parked in front of the fsync: the first batch may be in the WAL, but nobody is told so.
        assertThat(first).isNotDone();
        assertThat(later).noneMatch(CompletableFuture::isDone);
        assertThat(store.syncs()).isZero();

        gate.release.countDown();
        CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        // Completed in commit order, each after a sync. Queued batches share syncs unless each must have its own.
        assertThat(completions).hasSize(11);
        assertThat(completions.get(0)).isEqualTo("batch 0 after 1 syncs");
        for (int i = 1; i <= 10; i++) {
            assertThat(completions.get(i)).startsWith("batch " + i + " after ").doesNotEndWith(" 0 syncs");
        }
        long expectedSyncs = durability instanceof Durability.SyncEach ? 11 : 2;
        assertThat(store.syncs()).isEqualTo(expectedSyncs);
        assertThat(gate.events).containsExactly(Stream.concat(Stream.of("before sync of 1", "sync 1 of 1"),
                expectedSyncs == 2 ? Stream.of("before sync of 10", "sync 2 of 10")
                        : Stream.iterate(2, n -> n <= 11, n -> n + 1)
                                .flatMap(n -> Stream.of("before sync of 1", "sync " + n + " of 1"))).toArray(String[]::new));
    }

    // ---------------------------------------------------------------- overload, close, misuse

    @Test
    void aFullQueueFailsTheCommitAtOnceInsteadOfBlocking() throws Exception {
        GateAtFirstSync gate = new GateAtFirstSync();
        RocksBrokerStore store = open(new Options(Durability.syncEach(), 4, SyncMethod.FLUSH_WAL), gate);
        CompletableFuture<Void> first = store.commit(new StoreBatch().putRetained(message("a", "0")));
        gate.awaitReached(); // the writer holds batch 0; the queue is empty
        List<CompletableFuture<Void>> accepted = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            accepted.add(store.commit(new StoreBatch().putRetained(message("a", Integer.toString(i)))));
        }

        CompletableFuture<Void> refused = store.commit(new StoreBatch().putRetained(message("a", "5")));

        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).cause().isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.reason()).isEqualTo(StoreException.Reason.OVERLOADED);
            assertThat(e).hasMessage("store overloaded");
        });
        assertThat(store.overloads()).isEqualTo(1);
        assertThat(store.queueDepth()).isEqualTo(4);

        gate.release.countDown();
        CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        first.get(1, TimeUnit.SECONDS);
        assertThat(reopen(store).recover().retained()).extracting(StoreTestData::payload).containsExactly("4");
    }

    @Test
    void closeWritesAndSyncsWhatWasCommittedWithoutWaitingForTheWindow() throws Exception {
        RocksBrokerStore store = open(Durability.groupCommit(10_000));
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(store.commit(new StoreBatch().putRetained(message("t/" + i, "v"))));
        }
        long start = System.nanoTime();

        store.close();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        assertThat(open(Durability.syncEach()).recover().retained()).hasSize(50);
    }

    @Test
    void misuseAndClosedStoreGiveFailedFuturesNotExceptions() throws IOException {
        RocksBrokerStore store = open(Durability.syncEach());
        StoreBatch batch = new StoreBatch().putRetained(message("a", "b"));
        commit(store, batch);

        assertThat(store.commit(batch)).isCompletedExceptionally(); // committed twice
        assertThatThrownBy(() -> batch.removeRetained("a")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(store::recover).isInstanceOf(IllegalStateException.class); // after the first commit

        store.close();
        store.close(); // idempotent
        CompletableFuture<Void> afterClose = store.commit(new StoreBatch());
        assertThatThrownBy(afterClose::join).cause().isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.CLOSED));
    }

    // ---------------------------------------------------------------- format guard, unreadable records

    @Test
    void aDirectoryOfAnotherFormatIsRefusedAndUnreadableRecordsAreSkipped() throws Exception {
        RocksBrokerStore store = open(Durability.syncEach());
        commit(store, new StoreBatch().putSession(connected("c"))
                .appendQueued("c", 0, message("t", "good"), 1, false, null)
                .appendQueued("c", 1, message("t", "damaged"), 1, false, null));
        store.close();
        withRawDb(dir, (db, handles) -> {
            db.put(handles.get(Family.QUEUE.ordinal() + 1), Keys.queued("c", 1), new byte[] {1, 0, 9, 9});
        });

        RecoveredState state = open(Durability.syncEach()).recover();
        assertThat(state.sessions().get(0).queued()).extracting(q -> payload(q.message())).containsExactly("good");
        assertThat(state.sessions().get(0).nextSequence()).isEqualTo(2); // the damaged one's number is not reused
        assertThat(state.stats().unreadable()).isEqualTo(1);
        open.forEach(RocksBrokerStore::close);

        withRawDb(dir, (db, handles) -> db.put(handles.get(0), "format".getBytes(StandardCharsets.US_ASCII), new byte[] {2}));
        assertThatThrownBy(() -> RocksBrokerStore.open(dir, Durability.syncEach()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format");
    }

    private interface RawDbAction {
        void run(RocksDB db, List<ColumnFamilyHandle> handles) throws Exception;
    }

    /** Opens the directory with plain RocksDB (default family first, then the store's families in order). */
    private static void withRawDb(Path dir, RawDbAction action) throws Exception {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (Family family : Family.values()) {
            descriptors.add(new ColumnFamilyDescriptor(family.columnFamilyName));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (org.rocksdb.DBOptions options = new org.rocksdb.DBOptions();
             RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
            try {
                action.run(db, handles);
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
    }
}
