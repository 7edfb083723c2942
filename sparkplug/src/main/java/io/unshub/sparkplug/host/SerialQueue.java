package io.unshub.sparkplug.host;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time and in submission order on a shared pool: the serial queue of one edge node, so
 * everything that node owns (bdSeq, seq, aliases, reorder buffer) is touched by one task at a time without
 * locks, while many nodes share a few threads. Any thread may {@link #execute}; a work-in-progress counter
 * guarantees at most one drain at a time.
 */
public final class SerialQueue implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);
    private static final int BATCH = 128;

    private final Executor pool;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final Runnable drain = this::drain;

    public SerialQueue(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (wip.getAndIncrement() == 0) {
            pool.execute(drain);
        }
    }

    private void drain() {
        int missed = wip.get();
        while (true) {
            for (int i = 0; i < BATCH; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("Sparkplug node task failed", e);
                }
            }
            if (!tasks.isEmpty()) {
                // Yield the pool thread after a batch so one chatty node cannot starve the others.
                pool.execute(drain);
                return;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }
}
