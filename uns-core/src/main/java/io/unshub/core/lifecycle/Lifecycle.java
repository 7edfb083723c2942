package io.unshub.core.lifecycle;

/**
 * A component the hub starts and stops in a fixed order (broker and bus first, stopped last).
 * {@link #start()} returns once the component is serving; {@link #stop()} drains and releases
 * everything it holds and is safe to call twice.
 */
public interface Lifecycle {

    void start();

    void stop();
}
