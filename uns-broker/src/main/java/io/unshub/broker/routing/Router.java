package io.unshub.broker.routing;

import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.persistence.BrokerStore;
import io.unshub.broker.persistence.InMemoryBrokerStore;
import io.unshub.broker.persistence.StoreBatch;
import io.unshub.broker.session.Session;
import io.unshub.core.bus.BoundedMailbox;
import io.unshub.core.bus.BusSubscription;
import io.unshub.core.bus.MessageHandler;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.PublishTap;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.topic.Topics;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The publish funnel and the broker's implementation of {@link UnsBus}. Every message, from the
 * network, a will or an in-process publisher, is validated, checked by the {@link PublishGuard} (the
 * namespace), shown to the {@link PublishTap} (the live namespace), applied to the retained store,
 * matched against the subscription tree and handed to each matching session or in-process mailbox.
 *
 * <p>Thread-safe: {@link #publish} runs on the publisher's thread (usually its event loop) and only
 * enqueues; sessions deliver on their own event loop.
 */
public final class Router implements UnsBus {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Router.class);

    private final SubscriptionTree tree;
    private final RetainedStore retained;
    private final BrokerMetrics metrics;
    private final PublishGuard guard;
    private final PublishTap tap;
    private final BrokerStore store;
    private final java.util.concurrent.atomic.AtomicLong hookFailures = new java.util.concurrent.atomic.AtomicLong();
    private final ThreadLocal<DeliveryPlan> plans = ThreadLocal.withInitial(DeliveryPlan::new);

    public Router(SubscriptionTree tree, RetainedStore retained, BrokerMetrics metrics) {
        this(tree, retained, metrics, PublishGuard.ACCEPT_ALL, PublishTap.NONE);
    }

    public Router(SubscriptionTree tree, RetainedStore retained, BrokerMetrics metrics, PublishGuard guard,
                  PublishTap tap) {
        this(tree, retained, metrics, guard, tap, new InMemoryBrokerStore());
    }

    public Router(SubscriptionTree tree, RetainedStore retained, BrokerMetrics metrics, PublishGuard guard,
                  PublishTap tap, BrokerStore store) {
        this.store = store;
        this.tree = tree;
        this.retained = retained;
        this.metrics = metrics;
        this.guard = guard;
        this.tap = tap;
    }

    /**
     * What a publish did and, when it had to be recorded in the store first (a retained message, QoS 1/2 for a
     * persistent session), the commit its deliveries wait for: {@code durable} is null when everything was
     * delivered already.
     */
    public record Publication(PublishOutcome outcome, CompletableFuture<Void> durable) {
    }

    public BrokerStore store() {
        return store;
    }

    @Override
    public PublishOutcome publish(UnsMessage message) {
        if (!store.persistent()) {
            return publishInMemory(message);
        }
        // In-process and will publishes wait for nobody's acknowledgement: delivered even if the commit fails.
        return publishDurably(message, null, true).outcome();
    }

    /**
     * Publishes with the store: the message is recorded for every persistent session that gets it at QoS 1/2
     * (and as retained), together with what {@code extra} adds (inbound QoS 2 state), in one batch; the
     * deliveries to sessions happen once that batch is durable, so a later removal can never overtake them.
     * A batch that holds only the retained value puts no session's state at stake, so its deliveries go at once
     * (a projection of Sparkplug metrics retains every value: waiting for each fsync cost milliseconds).
     * A shared group's message is stored the same way when the member picked for it is a persistent session
     * (connected or not); in-process subscribers and other members get it at once. The caller acknowledges after
     * {@link Publication#durable()}.
     */
    public Publication publishDurably(UnsMessage message, Consumer<StoreBatch> extra) {
        return publishDurably(message, extra, false);
    }

    private Publication publishDurably(UnsMessage message, Consumer<StoreBatch> extra, boolean deliverOnFailure) {
        if (!store.persistent()) {
            return new Publication(publishInMemory(message), null); // nothing is kept, nothing to wait for
        }
        PublishOutcome.Rejected rejected = check(message);
        if (rejected != null) {
            return new Publication(rejected, null);
        }
        StoreBatch batch = new StoreBatch();
        if (message.retain()) {
            retained.apply(message);
            batch.applyRetained(message);
        }
        int retainedOps = batch.size();
        DeliveryPlan plan = plans.get();
        if (plan.busy) {
            plan = new DeliveryPlan();
        }
        plan.busy = true;
        try {
            plan.begin(message);
            plan.holdShared = true;
            tree.match(message.topic(), plan);
            int routed = plan.count + plan.internalDeliveries + plan.sharedDeliveries;
            plan.storeShared(batch);
            long[] sequences = null;
            for (int i = 0; i < plan.count; i++) {
                Session session = plan.sessions[i];
                if (plan.qos[i] > 0 && session.persistent()) {
                    if (sequences == null) {
                        sequences = new long[plan.count];
                        java.util.Arrays.fill(sequences, -1);
                    }
                    sequences[i] = session.nextSequence();
                    batch.appendQueued(session.clientId(), sequences[i], message, plan.qos[i],
                            plan.retainAsPublished[i] && message.retain(), plan.subscriptionIds[i]);
                }
            }
            if (extra != null) {
                extra.accept(batch);
            }
            PublishOutcome outcome = PublishOutcome.Routed.of(routed);
            if (batch.isEmpty()) {
                plan.deliver();
                return new Publication(outcome, null);
            }
            if (batch.size() == retainedOps) {
                plan.deliver();
                return new Publication(outcome, store.commit(batch));
            }
            Runnable deliveries = plan.snapshot(sequences);
            CompletableFuture<Void> durable = store.commit(batch);
            durable.whenComplete((v, e) -> {
                if (e == null || deliverOnFailure) {
                    deliveries.run();
                }
            });
            return new Publication(outcome, durable);
        } finally {
            plan.reset();
            plan.busy = false;
        }
    }

    /** Validation, the guard and the tap: null if the message may be routed. */
    private PublishOutcome.Rejected check(UnsMessage message) {
        String problem = Topics.validateTopicName(message.topic());
        if (problem != null) {
            metrics.publishRejected();
            return new PublishOutcome.Rejected(0x90, problem);
        }
        PublishOutcome.Rejected rejected = guarded(message);
        if (rejected != null) {
            metrics.publishRejected();
            return rejected;
        }
        try {
            tap.accepted(message);
        } catch (RuntimeException e) {
            failure("publish tap", e);
        }
        return null;
    }

    private PublishOutcome publishInMemory(UnsMessage message) {
        String problem = Topics.validateTopicName(message.topic());
        if (problem != null) {
            metrics.publishRejected();
            return new PublishOutcome.Rejected(0x90, problem);
        }
        PublishOutcome.Rejected rejected = guarded(message);
        if (rejected != null) {
            metrics.publishRejected();
            return rejected;
        }
        try {
            tap.accepted(message);
        } catch (RuntimeException e) {
            failure("publish tap", e);
        }
        if (message.retain()) {
            retained.apply(message);
        }
        DeliveryPlan plan = plans.get();
        if (plan.busy) {
            // Re-entered from a handler that publishes inline; use a fresh plan for the nested publish.
            plan = new DeliveryPlan();
        }
        plan.busy = true;
        try {
            plan.begin(message);
            tree.match(message.topic(), plan);
            return PublishOutcome.Routed.of(plan.deliver());
        } finally {
            plan.reset();
            plan.busy = false;
        }
    }

    /** The guard's verdict; a guard that throws refuses the message instead of breaking the funnel. */
    private PublishOutcome.Rejected guarded(UnsMessage message) {
        try {
            return guard.check(message);
        } catch (RuntimeException e) {
            failure("publish guard", e);
            return new PublishOutcome.Rejected(0x83, "the hub could not check this message: " + e);
        }
    }

    /** Logs the first failures of a hook in full and then one in every 10,000, so a broken hook cannot flood the log. */
    private void failure(String hook, RuntimeException e) {
        long n = hookFailures.incrementAndGet();
        if (n <= 10 || n % 10_000 == 0) {
            LOG.error("{} failed ({} failures so far)", hook, n, e);
        }
    }

    @Override
    public BusSubscription subscribe(SubscriberSpec spec, MessageHandler handler) {
        String problem = Topics.validateFilter(spec.filter());
        if (problem != null) {
            throw new IllegalArgumentException("invalid filter '" + spec.filter() + "': " + problem);
        }
        InternalSubscriber[] holder = new InternalSubscriber[1];
        BoundedMailbox mailbox = new BoundedMailbox(spec, handler,
                () -> tree.remove(holder[0], spec.filter()));
        holder[0] = new InternalSubscriber(spec.name(), mailbox, metrics);
        tree.add(new Subscription(holder[0], spec.filter(), 2, false, true, 2, 0));
        return mailbox;
    }

    public SubscriptionTree tree() {
        return tree;
    }

    public RetainedStore retained() {
        return retained;
    }

    /** An in-process subscriber in the tree; delivery is an offer to its bounded mailbox. */
    static final class InternalSubscriber implements Subscriber {
        private final String name;
        private final BoundedMailbox mailbox;
        private final BrokerMetrics metrics;

        InternalSubscriber(String name, BoundedMailbox mailbox, BrokerMetrics metrics) {
            this.name = name;
            this.mailbox = mailbox;
            this.metrics = metrics;
        }

        @Override
        public String subscriberId() {
            return name;
        }

        @Override
        public boolean isOnline() {
            return true;
        }

        @Override
        public void deliver(UnsMessage message, int qos, boolean retain, int[] subscriptionIds, SharedGroup group) {
            if (!mailbox.offer(message)) {
                metrics.dropped(BrokerMetrics.DropReason.INTERNAL_OVERFLOW);
            }
        }
    }

    /** A shared group's message for its picked persistent member; {@code sequence} -1 until stored. */
    private record SharedDelivery(Session session, int qos, boolean retain, int[] ids, SharedGroup group,
                                  long sequence) {
    }

    /**
     * Collects the matches of one publish, one entry per session: overlapping subscriptions of a session
     * give one delivery at the highest granted QoS carrying every subscription identifier
     * [MQTT-3.3.4-2], [MQTT-3.3.4-3]. Reused per thread so a publish allocates only its deliveries.
     */
    private static final class DeliveryPlan implements MatchSink {
        private static final java.util.function.Predicate<Subscription> ONLINE = s -> s.owner().isOnline();
        boolean busy;
        /** Durable publishes: shared deliveries to persistent members wait to be stored with the message. */
        boolean holdShared;
        private final java.util.ArrayList<SharedDelivery> sharedHeld = new java.util.ArrayList<>(2);
        private UnsMessage message;
        private String publisherClientId;
        private Session[] sessions = new Session[16];
        private int[] qos = new int[16];
        private boolean[] retainAsPublished = new boolean[16];
        private int[][] subscriptionIds = new int[16][];
        /** Beyond this many sessions a publish indexes them by identity instead of scanning. */
        private static final int LINEAR_SCAN_LIMIT = 16;
        private final java.util.IdentityHashMap<Session, Integer> largeIndex = new java.util.IdentityHashMap<>();
        private int count;
        private int internalDeliveries;
        private int sharedDeliveries;

        void begin(UnsMessage m) {
            this.message = m;
            this.publisherClientId = m.origin().clientId();
        }

        @Override
        public void onSubscription(Subscription subscription) {
            Subscriber owner = subscription.owner();
            if (owner instanceof InternalSubscriber internal) {
                internal.deliver(message, message.qos(), message.retain(), null, null);
                internalDeliveries++;
                return;
            }
            Session session = (Session) owner;
            if (subscription.noLocal() && session.clientId().equals(publisherClientId)) {
                return; // [MQTT-3.8.3-3]
            }
            int index = indexOf(session);
            int grantedQos = Math.min(subscription.qos(), message.qos());
            if (index < 0) {
                index = append(session);
                qos[index] = grantedQos;
                retainAsPublished[index] = subscription.retainAsPublished();
            } else {
                qos[index] = Math.max(qos[index], grantedQos);
                retainAsPublished[index] |= subscription.retainAsPublished();
            }
            int id = subscription.subscriptionId();
            if (id != 0) {
                int[] ids = subscriptionIds[index];
                if (ids == null) {
                    subscriptionIds[index] = new int[] {id};
                } else {
                    int[] more = java.util.Arrays.copyOf(ids, ids.length + 1);
                    more[ids.length] = id;
                    subscriptionIds[index] = more;
                }
            }
        }

        @Override
        public void onSharedGroup(SharedGroup group) {
            Subscription member = group.pick(ONLINE, null);
            if (member == null) {
                return;
            }
            sharedDeliveries++;
            int id = member.subscriptionId();
            int[] ids = id == 0 ? null : new int[] {id};
            int grantedQos = Math.min(member.qos(), message.qos());
            boolean retain = member.retainAsPublished() && message.retain();
            if (holdShared && grantedQos > 0 && member.owner() instanceof Session session && session.persistent()) {
                sharedHeld.add(new SharedDelivery(session, grantedQos, retain, ids, group, -1));
                return; // stored with the publish, delivered once that is durable
            }
            member.owner().deliver(message, grantedQos, retain, ids, group);
        }

        /** Records the held shared-group deliveries in {@code batch}, each under a sequence of its member. */
        void storeShared(StoreBatch batch) {
            for (int i = 0; i < sharedHeld.size(); i++) {
                SharedDelivery held = sharedHeld.get(i);
                long sequence = held.session().nextSequence();
                batch.appendQueued(held.session().clientId(), sequence, message, held.qos(), held.retain(), held.ids());
                sharedHeld.set(i, new SharedDelivery(held.session(), held.qos(), held.retain(), held.ids(),
                        held.group(), sequence));
            }
        }

        /** The deliveries of this plan, to run later (the plan itself is reused). */
        Runnable snapshot(long[] sequences) {
            SharedDelivery[] shared = sharedHeld.isEmpty() ? null : sharedHeld.toArray(new SharedDelivery[0]);
            int n = count;
            Session[] s = java.util.Arrays.copyOf(sessions, n);
            int[] q = java.util.Arrays.copyOf(qos, n);
            boolean[] rap = java.util.Arrays.copyOf(retainAsPublished, n);
            int[][] ids = java.util.Arrays.copyOf(subscriptionIds, n);
            UnsMessage m = message;
            return () -> {
                for (int i = 0; i < n; i++) {
                    boolean retain = rap[i] && m.retain();
                    if (sequences != null && sequences[i] >= 0) {
                        s[i].deliverStored(m, q[i], retain, ids[i], sequences[i]);
                    } else {
                        s[i].deliver(m, q[i], retain, ids[i], null);
                    }
                }
                if (shared != null) {
                    for (SharedDelivery d : shared) {
                        d.session().deliverStored(m, d.qos(), d.retain(), d.ids(), d.sequence(), d.group());
                    }
                }
            };
        }

        int deliver() {
            for (SharedDelivery held : sharedHeld) { // the batch stayed empty: nothing to wait for
                held.session().deliver(message, held.qos(), held.retain(), held.ids(), held.group());
            }
            for (int i = 0; i < count; i++) {
                sessions[i].deliver(message, qos[i], retainAsPublished[i] && message.retain(), subscriptionIds[i], null);
            }
            return count + internalDeliveries + sharedDeliveries;
        }

        private int indexOf(Session session) {
            if (count > LINEAR_SCAN_LIMIT) {
                Integer index = largeIndex.get(session);
                return index == null ? -1 : index;
            }
            for (int i = 0; i < count; i++) {
                if (sessions[i] == session) {
                    return i;
                }
            }
            return -1;
        }

        private int append(Session session) {
            if (count == sessions.length) {
                int n = count * 2;
                sessions = java.util.Arrays.copyOf(sessions, n);
                qos = java.util.Arrays.copyOf(qos, n);
                retainAsPublished = java.util.Arrays.copyOf(retainAsPublished, n);
                subscriptionIds = java.util.Arrays.copyOf(subscriptionIds, n);
            }
            sessions[count] = session;
            subscriptionIds[count] = null;
            if (count == LINEAR_SCAN_LIMIT) {
                for (int i = 0; i < count; i++) {
                    largeIndex.put(sessions[i], i);
                }
            }
            if (count >= LINEAR_SCAN_LIMIT) {
                largeIndex.put(session, count);
            }
            return count++;
        }

        void reset() {
            for (int i = 0; i < count; i++) {
                sessions[i] = null;
                subscriptionIds[i] = null;
            }
            if (count > LINEAR_SCAN_LIMIT) {
                largeIndex.clear();
            }
            count = 0;
            internalDeliveries = 0;
            sharedDeliveries = 0;
            holdShared = false;
            sharedHeld.clear();
            message = null;
            publisherClientId = null;
        }
    }
}
