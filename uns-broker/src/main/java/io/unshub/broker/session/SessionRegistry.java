package io.unshub.broker.session;

import io.netty.channel.EventLoop;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.persistence.BrokerStore;
import io.unshub.broker.persistence.InMemoryBrokerStore;
import io.unshub.broker.persistence.InflightMessage;
import io.unshub.broker.persistence.PendingWill;
import io.unshub.broker.persistence.QueuedMessage;
import io.unshub.broker.persistence.RecoveredState;
import io.unshub.broker.persistence.SessionRecord;
import io.unshub.broker.persistence.StoreBatch;
import io.unshub.broker.persistence.StoredSubscription;
import io.netty.channel.EventLoopGroup;
import io.unshub.broker.routing.Subscription;
import io.unshub.broker.routing.SubscriptionTree;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.UnsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * All sessions by client id, and the hand-over of a session between connections.
 *
 * <p>Thread-safe. A connect runs on the new connection's loop; the existing session is first visited
 * on its own home loop (where its current connection is kicked and its state is stable), then moved
 * to the new loop. Racing connects for one client id are serialized by that visit: the later one
 * takes over from the earlier.
 */
public final class SessionRegistry implements Session.SessionEvents {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final SubscriptionTree tree;
    private final UnsBus bus;
    private final BrokerMetrics metrics;
    private final Session.SessionLimits limits;
    private final BrokerStore store;

    public SessionRegistry(SubscriptionTree tree, UnsBus bus, BrokerMetrics metrics, Session.SessionLimits limits) {
        this(tree, bus, metrics, limits, new InMemoryBrokerStore());
    }

    public SessionRegistry(SubscriptionTree tree, UnsBus bus, BrokerMetrics metrics, Session.SessionLimits limits,
                           BrokerStore store) {
        this.store = store;
        this.tree = tree;
        this.bus = bus;
        this.metrics = metrics;
        this.limits = limits;
    }

    /**
     * Finds or creates the session for a new connection and attaches it. {@code onAttached} runs on
     * {@code loop} with the session and whether it was resumed ("session present"). The caller has checked
     * that {@code owner} may use this client id ({@link #ownedByAnother}).
     */
    public void connect(String clientId, String owner, boolean cleanStart, long expirySeconds, EventLoop loop,
                        ClientChannel channel, BiConsumer<Session, Boolean> onAttached) {
        Session existing = sessions.get(clientId);
        if (existing == null) {
            Session fresh = new Session(clientId, owner, loop, expirySeconds, limits, metrics, this, store);
            if (sessions.putIfAbsent(clientId, fresh) != null) {
                connect(clientId, owner, cleanStart, expirySeconds, loop, channel, onAttached); // lost a race
                return;
            }
            recordNew(fresh, expirySeconds);
            attachOnLoop(fresh, loop, channel, false, onAttached);
            return;
        }
        existing.home().execute(() -> {
            if (!existing.home().inEventLoop() || existing.isEnded() || sessions.get(clientId) != existing) {
                loop.execute(() -> connect(clientId, owner, cleanStart, expirySeconds, loop, channel, onAttached));
                return;
            }
            // A session with expiry 0 lives only as long as its connection (MQTT 5 section 3.1.2.11.2): it is not resumed.
            boolean resume = !cleanStart && existing.expirySeconds() > 0;
            ClientChannel previous = existing.connection();
            if (previous != null) {
                previous.takenOver(resume); // DISCONNECT 0x8E, its will, close [MQTT-3.1.4-3]
                existing.detachForTakeover(previous);
            }
            if (resume) {
                existing.claim(owner);
                existing.prepareHandover();
                existing.setExpirySeconds(expirySeconds);
                recordResumed(existing, expirySeconds);
                existing.moveHome(loop);
                attachOnLoop(existing, loop, channel, true, onAttached);
            } else {
                // Replace first, so a racing connect never sees the id free and creates a third session.
                Session fresh = new Session(clientId, owner, loop, expirySeconds, limits, metrics, this, store);
                sessions.replace(clientId, existing, fresh);
                endSession(existing);
                recordNew(fresh, expirySeconds);
                attachOnLoop(fresh, loop, channel, false, onAttached);
            }
        });
    }

    /** A new persistent session is recorded (connected, no subscriptions); clean sessions are not written. */
    private void recordNew(Session session, long expirySeconds) {
        if (store.persistent() && expirySeconds > 0) {
            session.markStored(true);
            store.commit(new StoreBatch().removeSession(session.clientId())
                    .putSession(new SessionRecord(session.clientId(), expirySeconds, SessionRecord.CONNECTED, List.of(),
                            session.owner())));
        }
    }

    /** A resumed session is connected again, with the expiry of the new CONNECT; off the store if that is 0. */
    private void recordResumed(Session session, long expirySeconds) {
        if (!store.persistent()) {
            return;
        }
        if (expirySeconds == 0) {
            if (session.stored()) {
                session.markStored(false);
                store.commit(new StoreBatch().removeSession(session.clientId()).removeWill(session.clientId()));
            }
            return;
        }
        StoreBatch batch = new StoreBatch();
        if (session.stored()) {
            batch.putSessionState(session.clientId(), expirySeconds, SessionRecord.CONNECTED, session.owner());
        } else {
            List<StoredSubscription> subscriptions = new ArrayList<>();
            session.subscriptions().values().forEach(s -> subscriptions.add(StoredSubscription.of(s)));
            batch.putSession(new SessionRecord(session.clientId(), expirySeconds, SessionRecord.CONNECTED, subscriptions,
                    session.owner()));
            session.markStored(true);
        }
        store.commit(batch.removeWill(session.clientId()));
    }

    /**
     * Rebuilds the sessions the store recovered, disconnected, each on one of the loops (spread round robin),
     * with their owners, subscriptions, queued messages, inbound QoS 2 state, expiry and pending wills. Call before
     * any client can connect. In-flight QoS 2 messages keep their packet ids and are resent on reconnect.
     */
    public void restore(RecoveredState state, EventLoopGroup loops, long nowMillis) {
        java.util.Map<String, PendingWill> wills = new java.util.HashMap<>();
        for (PendingWill will : state.wills()) {
            wills.put(will.clientId(), will);
        }
        for (RecoveredState.RecoveredSession recovered : state.sessions()) {
            SessionRecord record = recovered.session();
            EventLoop loop = loops.next();
            Session session = new Session(record.clientId(), record.owner(), loop, record.expirySeconds(), limits,
                    metrics, this, store);
            PendingWill will = wills.remove(record.clientId());
            loop.submit(() -> {
                session.restoreStored(record.ownerKnown());
                session.restoreSequence(recovered.nextSequence());
                for (StoredSubscription stored : record.subscriptions()) {
                    Subscription subscription = stored.toSubscription(session);
                    session.subscriptions().put(subscription.filter(), subscription);
                    tree.add(subscription);
                }
                for (InflightMessage inflight : recovered.inflight()) {
                    session.restoreInflight(inflight); // resent with its packet id on reconnect [MQTT-4.4.0-1]
                }
                for (QueuedMessage queued : recovered.queued()) {
                    session.restoreQueued(queued.message(), queued.qos(), queued.retain(), queued.subscriptionIds(),
                            queued.sequence());
                }
                session.restoreAwaitingPubRel(recovered.awaitingPubRel());
                if (will != null) {
                    session.restoreWill(new WillMessage(will.message(), 0), will.dueAtMillis() - nowMillis);
                }
                if (recovered.expiresAtMillis() != Long.MAX_VALUE) {
                    session.restoreExpiry(recovered.expiresAtMillis() - nowMillis);
                }
            }).syncUninterruptibly();
            sessions.put(record.clientId(), session);
        }
        // Wills whose sessions are gone: published when due.
        for (PendingWill will : wills.values()) {
            EventLoop loop = loops.next();
            loop.schedule(() -> {
                publishWill(will.clientId(), new WillMessage(will.message(), 0));
                store.commit(new StoreBatch().removeWill(will.clientId()));
            }, Math.max(0, will.dueAtMillis() - nowMillis), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        if (!state.sessions().isEmpty() || !state.wills().isEmpty()) {
            LOG.info("Recovered {} persistent sessions and {} pending wills", state.sessions().size(),
                    state.wills().size());
        }
    }

    private static void attachOnLoop(Session session, EventLoop loop, ClientChannel channel, boolean present,
                                     BiConsumer<Session, Boolean> onAttached) {
        Runnable attach = () -> {
            try {
                onAttached.accept(session, present); // sends CONNACK before anything else
            } finally {
                session.attach(channel); // even if the callback failed, so the session is never left dangling
            }
        };
        if (loop.inEventLoop()) {
            attach.run();
        } else {
            loop.execute(attach);
        }
    }

    /**
     * Whether a session with this client id exists and belongs to another user: such a session is neither
     * resumed nor taken over, so one user cannot read another's queued messages or kick it off.
     */
    public boolean ownedByAnother(String clientId, String owner) {
        Session existing = sessions.get(clientId);
        return existing != null && !existing.ownerUnknown() && !java.util.Objects.equals(existing.owner(), owner);
    }

    /** The connection closed; called on its loop. */
    public void disconnected(Session session, ClientChannel channel, WillMessage will) {
        EventLoop home = session.home();
        if (home.inEventLoop()) {
            session.detach(channel, will);
        } else {
            home.execute(() -> session.detach(channel, will));
        }
    }

    @Override
    public void publishWill(String clientId, WillMessage will) {
        UnsMessage message = will.message();
        // Keeps the origin set at CONNECT, so the will is judged as its client's user, not as anonymous.
        bus.publish(new UnsMessage(message.topic(), message.payload(), message.qos(), message.retain(),
                message.properties(), message.origin(), System.currentTimeMillis(), System.nanoTime()));
    }

    @Override
    public void sessionEnded(Session session) {
        endSession(session);
    }

    private void endSession(Session session) {
        for (Subscription subscription : session.subscriptions().values()) {
            tree.remove(session, subscription.filter());
        }
        session.subscriptions().clear();
        session.end();
        if (session.stored()) {
            session.markStored(false);
            store.commit(new StoreBatch().removeSession(session.clientId()));
        }
        sessions.remove(session.clientId(), session);
        LOG.debug("Session {} ended", session.clientId());
    }

    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public Collection<Session> all() {
        return sessions.values();
    }

    public int size() {
        return sessions.size();
    }
}
