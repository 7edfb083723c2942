package io.unshub.broker.routing;

/** Something that holds subscriptions in the tree: a client session or an in-process mailbox. */
public interface Subscriber {

    /** Client id for sessions, the component name for in-process subscribers. */
    String subscriberId();
}
