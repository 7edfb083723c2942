package io.unshub.broker.persistence;

import java.util.concurrent.CompletableFuture;

/**
 * The store of a broker that runs without persistence: the broker's state lives only in its own memory,
 * so this keeps nothing, completes every commit at once and recovers nothing. {@link #persistent()}
 * is false so the broker can skip building batches altogether. Stateless and thread-safe.
 */
public final class InMemoryBrokerStore implements BrokerStore {

    private static final Durability NONE = Durability.noSync();

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public Durability durability() {
        return NONE;
    }

    @Override
    public RecoveredState recover(long nowMillis) {
        return RecoveredState.EMPTY;
    }

    @Override
    public CompletableFuture<Void> commit(StoreBatch batch) {
        // A new future each time: a shared completed one could be completed otherwise by a careless caller.
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
    }
}
