package io.unshub.core.bus;

import io.unshub.core.message.UnsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded, ordered queue in front of one in-process subscriber. Any thread may {@link #offer};
 * a work-in-progress counter makes sure at most one drain runs on the subscriber's executor at a time,
 * so the handler sees messages one by one and in order without holding a lock.
 */
public final class BoundedMailbox implements BusSubscription, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedMailbox.class);
    private static final int DRAIN_BATCH = 256;

    private final SubscriberSpec spec;
    private final MessageHandler handler;
    private final ArrayBlockingQueue<UnsMessage> queue;
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable onClose;
    private volatile boolean closed;

    public BoundedMailbox(SubscriberSpec spec, MessageHandler handler, Runnable onClose) {
        this.spec = spec;
        this.handler = handler;
        this.queue = new ArrayBlockingQueue<>(spec.queueCapacity());
        this.onClose = onClose;
    }

    /** Queues a message for the handler; never blocks. Returns false when the message was dropped. */
    public boolean offer(UnsMessage message) {
        if (closed) {
            return false;
        }
        boolean queued = queue.offer(message);
        if (!queued) {
            if (spec.overflow() == OverflowPolicy.DROP_OLDEST) {
                // Not atomic with the offer below: under contention another arrival may take the slot,
                // and then this one is dropped instead. Either way exactly one drop is counted.
                if (queue.poll() != null) {
                    dropped.incrementAndGet();
                }
                queued = queue.offer(message);
            }
            if (!queued) {
                dropped.incrementAndGet();
            }
        }
        if (wip.getAndIncrement() == 0) {
            schedule();
        }
        return queued;
    }

    private void schedule() {
        try {
            spec.executor().execute(this);
        } catch (RuntimeException e) {
            // Usually RejectedExecutionException from an executor that was shut down; publish must not throw.
            LOG.warn("Executor of subscriber '{}' did not take its drain ({}); {} queued messages are discarded",
                    spec.name(), e.toString(), queue.size());
            dropped.addAndGet(queue.size());
            queue.clear();
            wip.set(0);
        }
    }

    /** Drains on the subscriber's executor. Yields after a batch so one busy subscriber cannot hog a shared pool. */
    @Override
    public void run() {
        int missed = wip.get();
        while (true) {
            for (int i = 0; i < DRAIN_BATCH; i++) {
                UnsMessage message = queue.poll();
                if (message == null) {
                    break;
                }
                if (closed) {
                    continue;
                }
                try {
                    handler.onMessage(message);
                    delivered.incrementAndGet();
                } catch (RuntimeException e) {
                    LOG.warn("Subscriber '{}' failed on a message for topic {}", spec.name(), message.topic(), e);
                }
            }
            if (!queue.isEmpty()) {
                schedule();
                return;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    @Override
    public SubscriberSpec spec() {
        return spec;
    }

    @Override
    public int queued() {
        return queue.size();
    }

    @Override
    public long delivered() {
        return delivered.get();
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
