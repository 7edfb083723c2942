package io.unshub.namespace.enforce;

import io.unshub.core.bus.BusSubscription;
import io.unshub.core.bus.MessageHandler;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.PublishTap;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.topic.TopicMatcher;
import io.unshub.core.topic.Topics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The smallest bus that keeps the {@link UnsBus} contract the namespace relies on: every publish goes
 * through the guard, an accepted one through the tap, then to the matching in-process subscribers (run
 * inline: the subscriber's executor is ignored). The broker's router is not a dependency of this module.
 */
final class MiniBus implements UnsBus {

    private final PublishGuard guard;
    private final PublishTap tap;
    private final List<Sub> subscriptions = new CopyOnWriteArrayList<>();
    final List<UnsMessage> routed = new CopyOnWriteArrayList<>();

    MiniBus(PublishGuard guard, PublishTap tap) {
        this.guard = guard;
        this.tap = tap;
    }

    @Override
    public PublishOutcome publish(UnsMessage message) {
        PublishOutcome.Rejected rejected = guard.check(message);
        if (rejected != null) {
            return rejected;
        }
        tap.accepted(message);
        routed.add(message);
        int delivered = 0;
        for (Sub sub : subscriptions) {
            if (TopicMatcher.matches(sub.spec.filter(), message.topic())) {
                sub.delivered.incrementAndGet();
                sub.handler.onMessage(message);
                delivered++;
            }
        }
        return PublishOutcome.Routed.of(delivered);
    }

    @Override
    public BusSubscription subscribe(SubscriberSpec spec, MessageHandler handler) {
        if (Topics.validateFilter(spec.filter()) != null) {
            throw new IllegalArgumentException(Topics.validateFilter(spec.filter()));
        }
        Sub sub = new Sub(spec, handler);
        subscriptions.add(sub);
        return sub;
    }

    private final class Sub implements BusSubscription {
        final SubscriberSpec spec;
        final MessageHandler handler;
        final AtomicLong delivered = new AtomicLong();

        Sub(SubscriberSpec spec, MessageHandler handler) {
            this.spec = spec;
            this.handler = handler;
        }

        @Override
        public SubscriberSpec spec() {
            return spec;
        }

        @Override
        public int queued() {
            return 0;
        }

        @Override
        public long delivered() {
            return delivered.get();
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }
}
