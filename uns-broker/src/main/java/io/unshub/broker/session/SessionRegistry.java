package io.unshub.broker.session;

import io.netty.channel.EventLoop;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.routing.Subscription;
import io.unshub.broker.routing.SubscriptionTree;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.UnsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
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

    public SessionRegistry(SubscriptionTree tree, UnsBus bus, BrokerMetrics metrics, Session.SessionLimits limits) {
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
            Session fresh = new Session(clientId, owner, loop, expirySeconds, limits, metrics, this);
            if (sessions.putIfAbsent(clientId, fresh) != null) {
                connect(clientId, owner, cleanStart, expirySeconds, loop, channel, onAttached); // lost a race
                return;
            }
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
                existing.prepareHandover();
                existing.setExpirySeconds(expirySeconds);
                existing.moveHome(loop);
                attachOnLoop(existing, loop, channel, true, onAttached);
            } else {
                // Replace first, so a racing connect never sees the id free and creates a third session.
                Session fresh = new Session(clientId, owner, loop, expirySeconds, limits, metrics, this);
                sessions.replace(clientId, existing, fresh);
                endSession(existing);
                attachOnLoop(fresh, loop, channel, false, onAttached);
            }
        });
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
        return existing != null && !java.util.Objects.equals(existing.owner(), owner);
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
