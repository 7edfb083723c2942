package io.unshub.core.bus;

/** A live in-process subscription. Closing it stops delivery; messages already queued are discarded. */
public interface BusSubscription extends AutoCloseable {

    SubscriberSpec spec();

    /** Messages waiting in the subscriber's queue. */
    int queued();

    /** Messages delivered to the handler so far. */
    long delivered();

    /** Messages discarded by the overflow policy so far. */
    long dropped();

    @Override
    void close();
}
