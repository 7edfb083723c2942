package io.unshub.broker.routing;

/** Receives what a topic matches in the tree. Called on the publishing thread. */
public interface MatchSink {

    void onSubscription(Subscription subscription);

    void onSharedGroup(SharedGroup group);
}
