package io.unshub.broker.persistence;

import java.util.concurrent.CompletableFuture;

/**
 * What the broker persists: retained messages, persistent sessions (expiry state and subscriptions),
 * their queued and in-flight messages, inbound QoS 2 state and pending delayed wills.
 *
 * <p>The broker keeps its working state in memory and writes changes here as {@link StoreBatch}es;
 * it reads the store only once, at start-up ({@link #recover}). A batch is atomic and batches are
 * applied in commit order.
 *
 * <p>Threading: {@link #commit} may be called from any thread, event loops included: it never blocks
 * and never throws for runtime conditions. The returned future completes when the batch is as durable
 * as {@link #durability()} promises, normally on the store's own writer thread, so a dependent action
 * must hop to where it belongs (e.g. {@code future.whenComplete((v, e) -> channel.eventLoop().execute(...))}).
 * A future failed with a {@link StoreException} says why (overloaded, closed, failed).
 */
public interface BrokerStore extends AutoCloseable {

    /** False for a store that keeps nothing ({@link InMemoryBrokerStore}): the broker need not build batches. */
    boolean persistent();

    Durability durability();

    /**
     * Reads everything back and removes what expired while the hub was down (sessions whose expiry
     * passed, queued and retained messages whose message expiry passed). Call once, at start-up, before
     * the first {@link #commit}; it blocks on disk reads.
     *
     * @param nowMillis the wall-clock time to judge expiry against (normally {@link System#currentTimeMillis()})
     */
    RecoveredState recover(long nowMillis);

    default RecoveredState recover() {
        return recover(System.currentTimeMillis());
    }

    /**
     * Hands a batch to the store. Never blocks, never throws: a full writer queue, a closed or failed
     * store yield a failed future. The batch must not be touched afterwards.
     */
    CompletableFuture<Void> commit(StoreBatch batch);

    /** Stops taking batches, writes and syncs those already taken, completes their futures, closes. */
    @Override
    void close();
}
