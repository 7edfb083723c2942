package io.unshub.hub.demo;

/**
 * One simulated data source of the demo profile ({@code --demo}, {@code UNS_DEMO=true}). Every CDI bean
 * implementing it is started by {@link DemoRuntime} when the demo is on, after the hub's own components,
 * and stopped before them. A source publishes through the bus (or, like a simulated Sparkplug edge node,
 * connects to the broker's MQTT port) so that the namespace, the ACL and the historian see its data
 * exactly as they would see a real machine's.
 *
 * <p>To add one, write an {@code @ApplicationScoped} class implementing this interface in the module's
 * package of uns-hub; nothing else needs registering.
 */
public interface DemoSource {

    /** A short name for logs and the start-up banner, e.g. {@code uns-simulator}. */
    String name();

    /** What the source simulates, one line for the start-up banner. */
    String describe();

    /**
     * Starts publishing. Called once, on the start-up thread; must not block for long: schedule periodic
     * work on {@link DemoContext#scheduler()} or on the source's own threads.
     */
    void start(DemoContext context) throws Exception;

    /** Stops publishing and releases what {@link #start} took. Called once, on the shutdown thread. */
    void stop();
}
