package io.unshub.broker.session;

import io.netty.channel.EventLoop;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.metrics.BrokerMetrics.DropReason;
import io.unshub.broker.persistence.BrokerStore;
import io.unshub.broker.persistence.InMemoryBrokerStore;
import io.unshub.broker.persistence.InflightMessage;
import io.unshub.broker.persistence.PendingWill;
import io.unshub.broker.persistence.StoreBatch;
import io.unshub.broker.routing.SharedGroup;
import io.unshub.broker.routing.Subscriber;
import io.unshub.broker.routing.Subscription;
import io.unshub.core.message.UnsMessage;
import org.jctools.queues.MpscChunkedArrayQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The server side of an MQTT session: subscriptions, queued and in-flight outbound messages, inbound
 * QoS 2 state, expiry and a pending delayed will. It outlives connections.
 *
 * <p>Threading: all state except the inbox is owned by the session's <em>home</em> event loop, which is
 * the loop of the connection currently attached (or last attached). Publishers on any thread put
 * deliveries into the bounded MPSC inbox; a work-in-progress counter schedules one drain at a time on
 * the home loop. A connection taking the session over moves the home loop; see {@link SessionRegistry}.
 */
public final class Session implements Subscriber {

    /** Inbox bound per session; beyond it deliveries are dropped and counted as {@link DropReason#QUEUE_FULL}. */
    private static final int INBOX_CAPACITY = 64 * 1024;
    private static final int DRAIN_BATCH = 1024;
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<Session, MpscChunkedArrayQueue> INBOX =
            AtomicReferenceFieldUpdater.newUpdater(Session.class, MpscChunkedArrayQueue.class, "inbox");

    private final String clientId;
    /** Final except for a session recovered without a recorded owner, which its first user claims. */
    private volatile String owner;
    private final SessionLimits limits;
    private final BrokerMetrics metrics;
    private final SessionEvents events;
    /** Where a persistent session (expiry above 0) records its state; see {@link #persistent()}. */
    private final BrokerStore store;
    /** The store sequence of this session's queued messages: the queue's order in the store. */
    private final AtomicLong sequences = new AtomicLong();
    /** Whether the store holds a record of this session (written at connect, removed when it ends). */
    private volatile boolean stored;
    /** Rebuilt from an old store record that names no owner: the first user to connect with its client id takes it. */
    private volatile boolean ownerUnknown;
    /** Created on the first delivery: most of the memory of an idle session would otherwise be this queue. */
    private volatile MpscChunkedArrayQueue<Delivery> inbox;
    private final AtomicInteger wip = new AtomicInteger();
    private final Runnable drainTask = this::drain;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final long createdAtMillis = System.currentTimeMillis();

    private volatile EventLoop home;
    private volatile ClientChannel connection;
    private volatile boolean ended;
    private volatile int queuedCount;
    private volatile int inflightCount;

    // Owned by the home loop.
    private final ArrayDeque<Delivery> pending = new ArrayDeque<>(1);
    private final LinkedHashMap<Integer, Delivery> inflight = new LinkedHashMap<>();
    private final Set<Integer> awaitingPubRel = new HashSet<>();
    /** Stored QoS 2 messages whose in-flight records are being written; later messages wait behind them. */
    private int awaitingRecords;
    private int nextPacketId = 1;
    private volatile long expirySeconds;
    private ScheduledFuture<?> expiryTask;
    private WillMessage pendingWill;
    private ScheduledFuture<?> willTask;

    Session(String clientId, String owner, EventLoop home, long expirySeconds, SessionLimits limits,
            BrokerMetrics metrics, SessionEvents events) {
        this(clientId, owner, home, expirySeconds, limits, metrics, events, NO_STORE);
    }

    private static final BrokerStore NO_STORE = new InMemoryBrokerStore();

    Session(String clientId, String owner, EventLoop home, long expirySeconds, SessionLimits limits,
            BrokerMetrics metrics, SessionEvents events, BrokerStore store) {
        this.store = store;
        this.clientId = clientId;
        this.owner = owner;
        this.home = home;
        this.expirySeconds = expirySeconds;
        this.limits = limits;
        this.metrics = metrics;
        this.events = events;
    }

    /** The authenticated user that created this session ({@code null} for anonymous); only it may resume it. */
    public String owner() {
        return owner;
    }

    public String clientId() {
        return clientId;
    }

    @Override
    public String subscriberId() {
        return clientId;
    }

    public boolean isConnected() {
        return connection != null;
    }

    @Override
    public boolean isOnline() {
        return connection != null;
    }


    public boolean isEnded() {
        return ended;
    }

    public EventLoop home() {
        return home;
    }

    void moveHome(EventLoop newHome) {
        this.home = newHome;
    }

    /**
     * Whether this session's QoS 1/2 messages and state go to the broker store: the store keeps anything and
     * the session outlives its connection (expiry above 0). Readable from any thread.
     */
    public boolean persistent() {
        return stored && !ended && expirySeconds > 0;
    }

    /** The next store sequence; any thread (publishers number the messages they queue for this session). */
    public long nextSequence() {
        return sequences.getAndIncrement();
    }

    boolean stored() {
        return stored;
    }

    void markStored(boolean value) {
        this.stored = value;
    }

    boolean ownerUnknown() {
        return ownerUnknown;
    }

    BrokerStore store() {
        return store;
    }

    public long createdAtMillis() {
        return createdAtMillis;
    }

    /** Queued messages (beyond the in-flight window); a snapshot readable from any thread. */
    public int queuedCount() {
        MpscChunkedArrayQueue<Delivery> queue = inbox;
        return queuedCount + (queue == null ? 0 : queue.size());
    }

    /** QoS 1/2 messages sent and not yet fully acknowledged; a snapshot readable from any thread. */
    public int inflightCount() {
        return inflightCount;
    }

    public Map<String, Subscription> subscriptions() {
        return subscriptions;
    }

    public long expirySeconds() {
        return expirySeconds;
    }

    // ---------------------------------------------------------------- any thread

    /** Hands a message to this session. Never blocks; drops (and counts) when the inbox is full. */
    @Override
    public void deliver(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, SharedGroup group) {
        if (ended) {
            return;
        }
        if (qos == 0 && connection == null && !limits.queueQos0WhileOffline()) {
            metrics.dropped(DropReason.OFFLINE_QOS0); // decided here, so it costs no hop to the home loop
            return;
        }
        if (!inbox().offer(new Delivery(message, qos, retain, subscriptionIds, group))) {
            metrics.dropped(DropReason.QUEUE_FULL);
            return;
        }
        if (wip.getAndIncrement() == 0) {
            try {
                home.execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The broker is shutting down and its loops take no more tasks: nothing will be sent anyway.
                wip.set(0);
                metrics.dropped(DropReason.QUEUE_FULL);
            }
        }
    }

    /**
     * Hands over a message already recorded in the store under {@code sequence} (the commit has completed, so
     * its removal can never overtake it). Any thread.
     */
    public void deliverStored(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, long sequence) {
        deliverStored(message, qos, retain, subscriptionIds, sequence, null);
    }

    /** As above, for a message that came through the shared subscription {@code group} (may be null). */
    public void deliverStored(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, long sequence,
                              SharedGroup group) {
        if (ended) {
            return;
        }
        Delivery delivery = new Delivery(message, qos, retain, subscriptionIds, group);
        delivery.sequence = sequence;
        if (!inbox().offer(delivery)) {
            metrics.dropped(DropReason.QUEUE_FULL);
            forget(delivery);
            return;
        }
        if (wip.getAndIncrement() == 0) {
            try {
                home.execute(drainTask);
            } catch (RejectedExecutionException e) {
                wip.set(0); // shutting down: the message stays in the store for the next start
            }
        }
    }

    /** A stored message that will not be delivered (dropped, expired, too large) or was delivered: off the store. */
    private void forget(Delivery delivery) {
        if (delivery.sequence >= 0 && stored) {
            StoreBatch batch = new StoreBatch();
            if (delivery.inflightStored) {
                batch.removeInflight(clientId, delivery.packetId);
            } else {
                batch.removeQueued(clientId, delivery.sequence);
            }
            store.commit(batch); // not awaited
            delivery.sequence = -1;
        }
    }

    /**
     * A stored QoS 2 message goes out: its record moves from the queue to the in-flight records with its
     * packet id, so after a restart it is resent with that id (and the client's duplicate check holds) rather
     * than as a new message. Committed before the PUBLISH is written, not awaited.
     */
    /** Whether a message goes out only after its in-flight record is durable: a stored QoS 2 message. */
    private boolean recordedFirst(Delivery delivery) {
        return delivery.qos == 2 && delivery.sequence >= 0 && stored && !delivery.inflightStored;
    }

    private void recordSent(Delivery delivery, int packetId) {
        delivery.inflightStored = true;
        delivery.awaitingRecord = true;
        awaitingRecords++;
        // Commits complete in order, so the PUBLISHes go out in the order they were recorded.
        store.commit(new StoreBatch().removeQueued(clientId, delivery.sequence).putInflight(clientId,
                InflightMessage.sent(packetId, delivery.sequence, delivery.message, delivery.qos, delivery.retain,
                        delivery.subscriptionIds)))
                .whenComplete((v, e) -> executeOnHome(() -> recorded(delivery, packetId)));
    }

    /**
     * The in-flight record of a QoS 2 message is durable (or could not be written): the PUBLISH goes out
     * now. Written only after the record so that a restart resends it with the same packet id, never as a
     * new message the client would take twice.
     */
    private void recorded(Delivery delivery, int packetId) {
        if (delivery.awaitingRecord) {
            delivery.awaitingRecord = false;
            awaitingRecords--;
        }
        ClientChannel channel = connection;
        if (ended || channel == null) {
            return; // the client is away: the message is resent on the next attach
        }
        if (inflight.get(packetId) == delivery && delivery.state == Delivery.State.AWAITING_ACK
                && !channel.writePublish(delivery, packetId, false)) {
            inflight.remove(packetId);
            forget(delivery);
        }
        if (awaitingRecords == 0) {
            pump();
        }
        channel.flush();
        updateCounts();
    }

    private void executeOnHome(Runnable task) {
        EventLoop loop = home;
        try {
            if (loop.inEventLoop()) {
                task.run();
            } else {
                loop.execute(() -> {
                    if (home.inEventLoop()) {
                        task.run();
                    } else {
                        executeOnHome(task); // moved meanwhile
                    }
                });
            }
        } catch (RejectedExecutionException e) {
            // shutting down: the record is in the store and the message is resent after the restart
        }
    }

    /** Rebuilds a recovered in-flight message with its packet id; before the session is reachable. */
    void restoreInflight(InflightMessage recovered) {
        boolean released = recovered.state() == InflightMessage.State.PUBREC_RECEIVED;
        Delivery delivery = new Delivery(recovered.message(), recovered.qos(), recovered.retain(),
                recovered.subscriptionIds(), null);
        delivery.sequence = recovered.sequence();
        delivery.packetId = recovered.packetId();
        delivery.inflightStored = true;
        delivery.state = released ? Delivery.State.AWAITING_PUBCOMP : Delivery.State.AWAITING_ACK;
        inflight.put(recovered.packetId(), delivery);
        updateCounts();
    }

    /** Rebuilds a recovered message at the end of the queue; before the session is reachable. */
    void restoreQueued(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, long sequence) {
        Delivery delivery = new Delivery(message, qos, retain, subscriptionIds, null);
        delivery.sequence = sequence;
        pending.add(delivery);
        updateCounts();
    }

    void restoreAwaitingPubRel(java.util.Collection<Integer> packetIds) {
        awaitingPubRel.addAll(packetIds);
    }

    void restoreSequence(long next) {
        sequences.set(next);
    }

    void restoreStored(boolean ownerKnown) {
        ownerUnknown = !ownerKnown;
        stored = true;
    }

    /** A session recovered without a recorded owner becomes {@code user}'s on its first resume. */
    void claim(String user) {
        if (ownerUnknown) {
            owner = user;
            ownerUnknown = false;
        }
    }

    /** Re-arms a recovered delayed will; on the home loop. */
    void restoreWill(WillMessage will, long delayMillis) {
        pendingWill = will;
        willTask = home.schedule(this::publishPendingWill, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    }

    private void dropStoredWill() {
        if (stored) {
            store.commit(new StoreBatch().removeWill(clientId));
        }
    }

    /** Starts the expiry of a recovered (disconnected) session; on the home loop. */
    void restoreExpiry(long delayMillis) {
        expiryTask = home.schedule(this::expire, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    }

    private MpscChunkedArrayQueue<Delivery> inbox() {
        MpscChunkedArrayQueue<Delivery> queue = inbox;
        if (queue == null) {
            queue = new MpscChunkedArrayQueue<>(64, INBOX_CAPACITY);
            if (!INBOX.compareAndSet(this, null, queue)) {
                queue = inbox;
            }
        }
        return queue;
    }

    // ---------------------------------------------------------------- home loop only

    private void drain() {
        EventLoop loop = home;
        if (!loop.inEventLoop()) {
            loop.execute(drainTask); // the session moved while this drain was queued
            return;
        }
        int missed = wip.get();
        boolean wrote = false;
        MpscChunkedArrayQueue<Delivery> inbox = inbox(); // non-null: a drain is only scheduled after an offer
        while (true) {
            for (int i = 0; i < DRAIN_BATCH; i++) {
                Delivery delivery = inbox.poll();
                if (delivery == null) {
                    break;
                }
                wrote |= accept(delivery);
            }
            if (!inbox.isEmpty()) {
                if (wrote) {
                    connectionFlush();
                }
                loop.execute(drainTask); // yield to other channels on this loop, keep ownership of wip
                return;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                break;
            }
        }
        if (wrote) {
            connectionFlush();
        }
        updateCounts();
    }

    /** Returns true if something was written to the connection. */
    private boolean accept(Delivery delivery) {
        if (ended) {
            return false;
        }
        if (delivery.isExpired()) {
            metrics.dropped(DropReason.EXPIRED);
            forget(delivery);
            return false;
        }
        ClientChannel channel = connection;
        if (channel == null) {
            if (delivery.qos == 0 && !limits.queueQos0WhileOffline()) {
                metrics.dropped(DropReason.OFFLINE_QOS0);
                return false;
            }
            queue(delivery);
            return false;
        }
        if (awaitingRecords > 0 && !recordedFirst(delivery)) {
            queue(delivery); // behind a QoS 2 message whose in-flight record is being written: keeps the order
            return false;
        }
        if (delivery.qos == 0) {
            if (!channel.isWritable()) {
                if (delivery.replay) {
                    queue(delivery); // the retained snapshot goes out as the socket drains
                } else {
                    metrics.dropped(DropReason.SLOW_CONSUMER);
                }
                return false;
            }
            return channel.writePublish(delivery, 0, false);
        }
        // A full write buffer holds QoS 1/2 back too: what a stalled client cannot read waits in the bounded queue,
        // not in the connection's buffer (the client's receive maximum alone would allow 65,535 messages there).
        if (pending.isEmpty() && inflight.size() < channel.receiveMaximum() && channel.isWritable()) {
            return send(channel, delivery);
        }
        queue(delivery);
        return false;
    }

    private void queue(Delivery delivery) {
        // The retained snapshot is bounded by the retained store, not by the queue limit: it is sent in full.
        if (!delivery.replay && pending.size() >= limits.maxQueuedMessages()) {
            metrics.dropped(DropReason.QUEUE_FULL);
            forget(delivery);
            return;
        }
        pending.add(delivery);
    }

    private boolean send(ClientChannel channel, Delivery delivery) {
        int packetId = allocatePacketId();
        delivery.packetId = packetId;
        if (recordedFirst(delivery)) {
            delivery.state = Delivery.State.AWAITING_ACK;
            inflight.put(packetId, delivery);
            recordSent(delivery, packetId);
            return false; // written once the in-flight record is durable
        }
        if (!channel.writePublish(delivery, packetId, false)) {
            forget(delivery);
            return false; // too large for the client: discarded as if delivered [MQTT-3.1.2-25]
        }
        delivery.packetId = packetId;
        delivery.state = Delivery.State.AWAITING_ACK;
        inflight.put(packetId, delivery);
        return true;
    }

    private int allocatePacketId() {
        for (int attempts = 0; attempts < 65_535; attempts++) {
            int id = nextPacketId;
            nextPacketId = id == 65_535 ? 1 : id + 1;
            if (!inflight.containsKey(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no free packet identifier"); // cannot happen: receive maximum <= 65535
    }

    /** Moves queued messages into the in-flight window while the client's receive maximum and write buffer allow. */
    private boolean pump() {
        ClientChannel channel = connection;
        boolean wrote = false;
        while (channel != null && !pending.isEmpty()) {
            Delivery next = pending.peek();
            if (!channel.isWritable() || (next.qos > 0 && inflight.size() >= channel.receiveMaximum())
                    || (awaitingRecords > 0 && !recordedFirst(next))) {
                break;
            }
            pending.poll();
            if (next.isExpired()) {
                metrics.dropped(DropReason.EXPIRED);
                forget(next);
                continue;
            }
            wrote |= next.qos == 0 ? channel.writePublish(next, 0, false) : send(channel, next);
        }
        return wrote;
    }

    /** Attaches a connection (on its loop, now the home loop) and resends what was in flight [MQTT-4.4.0-1]. */
    void attach(ClientChannel channel) {
        assert home.inEventLoop();
        cancelExpiry();
        if (willTask != null) {
            willTask.cancel(false); // reconnected before the will delay passed [MQTT-3.1.3-9]
            willTask = null;
            pendingWill = null;
            dropStoredWill();
        }
        connection = channel;
        for (Iterator<Delivery> it = inflight.values().iterator(); it.hasNext(); ) {
            Delivery delivery = it.next();
            if (delivery.awaitingRecord) {
                continue; // goes out once its in-flight record is durable
            }
            if (delivery.state == Delivery.State.AWAITING_PUBCOMP) {
                channel.writePubRel(delivery.packetId);
            } else if (!channel.writePublish(delivery, delivery.packetId, true)) {
                forget(delivery);
                it.remove(); // too large for the client's new maximum packet size: discarded [MQTT-3.1.2-25]
            }
        }
        pump();
        channel.flush();
        updateCounts();
        MpscChunkedArrayQueue<Delivery> queue = inbox;
        if (queue != null && !queue.isEmpty() && wip.getAndIncrement() == 0) {
            home.execute(drainTask);
        }
    }

    /**
     * Sends the retained messages matching a new subscription, after its SUBACK. Runs on the home loop
     * (the subscribing connection's), straight into the session's queues: a snapshot of any size is
     * sent in full, as fast as the client's receive maximum and socket allow.
     */
    public void replayRetained(List<UnsMessage> messages, Subscription subscription) {
        assert home.inEventLoop();
        int[] ids = subscription.subscriptionId() == 0 ? null : new int[] {subscription.subscriptionId()};
        boolean wrote = false;
        for (UnsMessage message : messages) {
            wrote |= accept(new Delivery(message, Math.min(message.qos(), subscription.qos()), true, ids, null, true));
        }
        if (wrote) {
            connectionFlush();
        }
        updateCounts();
    }

    /** The connection's socket drained below its low-water mark: send what waited for buffer space. */
    public void writable() {
        if (pump()) {
            connectionFlush();
        }
        updateCounts();
    }

    /** PUBACK or PUBCOMP from the client: the message is done. */
    public void completed(int packetId) {
        Delivery done = inflight.remove(packetId);
        if (done != null) {
            forget(done);
        }
        if (done != null && pump()) {
            connectionFlush();
        }
        updateCounts();
    }

    /**
     * PUBREC from the client. Returns false if the packet id is unknown (answer PUBREL with 0x92).
     * A failure reason code ends the exchange (MQTT 5 section 4.3.3).
     */
    public PubRecOutcome received(int packetId, boolean failed) {
        Delivery delivery = inflight.get(packetId);
        if (delivery == null) {
            return PubRecOutcome.UNKNOWN;
        }
        if (failed) {
            completed(packetId);
            return PubRecOutcome.KNOWN;
        }
        delivery.state = Delivery.State.AWAITING_PUBCOMP;
        if (delivery.inflightStored && delivery.sequence >= 0 && stored) {
            return new PubRecOutcome(true, store.commit(new StoreBatch().pubRecReceived(clientId, packetId,
                    delivery.sequence)));
        }
        return PubRecOutcome.KNOWN;
    }

    /**
     * What a PUBREC did.
     *
     * @param known   whether the packet id was in flight
     * @param durable the commit recording it, or {@code null} when nothing is stored; the PUBREL must wait for
     *                it, or a crash in between would resend the PUBLISH to a client that already completed it
     */
    public record PubRecOutcome(boolean known, java.util.concurrent.CompletableFuture<Void> durable) {
        static final PubRecOutcome KNOWN = new PubRecOutcome(true, null);
        static final PubRecOutcome UNKNOWN = new PubRecOutcome(false, null);
    }

    /** Inbound QoS 2: records a packet id until PUBREL; false if it was already recorded (a duplicate). */
    public boolean beginInboundQos2(int packetId) {
        return awaitingPubRel.add(packetId);
    }

    public boolean isAwaitingPubRel(int packetId) {
        return awaitingPubRel.contains(packetId);
    }

    /** Inbound QoS 2 PUBREL: returns false if the packet id was unknown. */
    public boolean releaseInboundQos2(int packetId) {
        return awaitingPubRel.remove(packetId);
    }

    public int inboundQos2Count() {
        return awaitingPubRel.size();
    }

    /** Current connection, or null. */
    public ClientChannel connection() {
        return connection;
    }

    /**
     * The attached connection went away. With session expiry 0 the session ends now; otherwise it
     * waits for a reconnect until the expiry interval passes [MQTT-4.1.0-2].
     */
    void detach(ClientChannel channel, WillMessage will) {
        assert home.inEventLoop();
        if (connection != channel) {
            return; // already taken over by a newer connection
        }
        connection = null;
        redistributeShared();
        if (expirySeconds == 0) {
            if (will != null) {
                events.publishWill(clientId, will);
            }
            events.sessionEnded(this);
            return;
        }
        long now = System.currentTimeMillis();
        StoreBatch batch = stored ? new StoreBatch().putSessionState(clientId, expirySeconds, now, owner, !ownerUnknown)
                : null;
        if (will != null) {
            long delay = Math.min(will.delaySeconds(), expirySeconds);
            if (delay == 0) {
                events.publishWill(clientId, will);
            } else {
                pendingWill = will;
                willTask = home.schedule(this::publishPendingWill, delay, TimeUnit.SECONDS);
                if (batch != null) {
                    batch.putWill(new PendingWill(clientId, will.message(), now + delay * 1000));
                }
            }
        }
        if (batch != null) {
            store.commit(batch);
        }
        if (expirySeconds != limits.neverExpire()) {
            expiryTask = home.schedule(this::expire, expirySeconds, TimeUnit.SECONDS);
        }
        updateCounts();
    }

    /** The current connection was kicked by a newer one; its will was handled by the connection itself. */
    void detachForTakeover(ClientChannel channel) {
        assert home.inEventLoop();
        if (connection == channel) {
            connection = null;
        }
    }

    /**
     * Called on the current home loop just before the session moves to a new connection's loop: timers
     * scheduled here must not fire here after the move.
     */
    void prepareHandover() {
        assert home.inEventLoop();
        cancelExpiry();
        if (willTask != null) {
            willTask.cancel(false); // the new connection arrived before the will delay passed [MQTT-3.1.3-9]
            willTask = null;
            pendingWill = null;
        }
    }

    private void publishPendingWill() {
        if (!home.inEventLoop()) {
            return; // the session moved to another loop after this timer was set; the move cancelled the will
        }
        WillMessage will = pendingWill;
        pendingWill = null;
        willTask = null;
        if (will != null && connection == null) {
            events.publishWill(clientId, will);
            dropStoredWill();
        }
    }

    private void expire() {
        if (!home.inEventLoop()) {
            return; // the session moved to another loop after this timer was set
        }
        expiryTask = null;
        if (connection == null && !ended) {
            events.sessionEnded(this);
        }
    }

    /** Ends the session: its pending will goes out now, its subscriptions and messages are released. */
    void end() {
        assert home.inEventLoop();
        if (ended) {
            return;
        }
        redistributeShared();
        ended = true;
        cancelExpiry();
        if (willTask != null) {
            willTask.cancel(false);
            willTask = null;
        }
        if (pendingWill != null) {
            WillMessage will = pendingWill;
            pendingWill = null;
            events.publishWill(clientId, will);
            dropStoredWill();
        }
        pending.clear();
        inflight.clear();
        awaitingPubRel.clear();
        MpscChunkedArrayQueue<Delivery> queue = inbox;
        if (queue != null) {
            queue.clear();
        }
        updateCounts();
    }

    /**
     * Hands shared-subscription messages this session has not completed to another member of their
     * group, so a disconnecting consumer does not hold them back.
     */
    private void redistributeShared() {
        List<Delivery> moved = new ArrayList<>();
        for (Iterator<Delivery> it = inflight.values().iterator(); it.hasNext(); ) {
            Delivery delivery = it.next();
            // A QoS 2 message already sent stays with this member: the client may have processed it
            // [MQTT-4.8.2-4], [MQTT-4.8.2-5]. QoS 1 may be delivered twice anyway.
            if (delivery.sharedGroup != null && delivery.qos == 1) {
                it.remove();
                moved.add(delivery);
            }
        }
        for (Iterator<Delivery> it = pending.iterator(); it.hasNext(); ) {
            Delivery delivery = it.next();
            if (delivery.sharedGroup != null) {
                it.remove();
                moved.add(delivery);
            }
        }
        for (Delivery delivery : moved) {
            Subscription other = delivery.sharedGroup.pick(s -> s.owner().isOnline(), this);
            if (other != null && other.owner().isOnline()) {
                handOver(delivery, other);
            } else {
                queue(delivery); // nobody else connected: keep it for this member rather than move it between offline ones
            }
        }
    }

    /**
     * Gives a shared-group message to another member. A stored message moves in the store in one commit (off
     * this session, onto a persistent member's queue) and reaches that member once the move is durable, so a
     * crash in between leaves it with exactly one of them.
     */
    private void handOver(Delivery delivery, Subscription other) {
        int qos = Math.min(other.qos(), delivery.message.qos());
        int[] ids = other.subscriptionId() == 0 ? null : new int[] {other.subscriptionId()};
        if (delivery.sequence >= 0 && stored && qos > 0 && other.owner() instanceof Session member
                && member.persistent()) {
            long sequence = member.nextSequence();
            StoreBatch move = new StoreBatch().removeQueued(clientId, delivery.sequence)
                    .appendQueued(member.clientId(), sequence, delivery.message, qos, delivery.retain, ids);
            delivery.sequence = -1;
            // Delivered even if the commit fails: the member is connected and the message is already acknowledged.
            store.commit(move).whenComplete((v, e) -> member.deliverStored(delivery.message, qos, delivery.retain,
                    ids, sequence, delivery.sharedGroup));
            return;
        }
        forget(delivery);
        other.owner().deliver(delivery.message, qos, delivery.retain, ids, delivery.sharedGroup);
    }

    void setExpirySeconds(long seconds) {
        this.expirySeconds = seconds;
    }

    /** A DISCONNECT changed the session expiry interval [MQTT-3.14.2-2]; called on the home loop. */
    public void updateExpiry(long seconds) {
        this.expirySeconds = seconds;
    }

    private void cancelExpiry() {
        if (expiryTask != null) {
            expiryTask.cancel(false);
            expiryTask = null;
        }
    }

    private void connectionFlush() {
        ClientChannel channel = connection;
        if (channel != null) {
            channel.flush();
        }
    }

    private void updateCounts() {
        queuedCount = pending.size();
        inflightCount = inflight.size();
    }

    /** Limits a session applies, taken from the broker configuration. */
    public record SessionLimits(int maxQueuedMessages, boolean queueQos0WhileOffline, long neverExpire) {
    }

    /** What the session tells the registry: wills to publish and its own end. */
    public interface SessionEvents {
        void publishWill(String clientId, WillMessage will);

        void sessionEnded(Session session);
    }
}
