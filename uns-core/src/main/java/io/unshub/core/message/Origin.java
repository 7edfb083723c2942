package io.unshub.core.message;

import java.util.Objects;

/**
 * Who put a message on the bus. Network clients, their will messages and in-process components all
 * publish through the same funnel; the origin lets rules and the historian tell them apart.
 */
public record Origin(Kind kind, String id) {

    public enum Kind {
        /** A network MQTT client; {@code id} is its client identifier. */
        CLIENT,
        /** The will message of a network client that went away; {@code id} is its client identifier. */
        WILL,
        /** A component of the hub itself (Sparkplug host, OPC UA bridge, replay, $SYS); {@code id} names it. */
        INTERNAL
    }

    public Origin {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static Origin client(String clientId) {
        return new Origin(Kind.CLIENT, clientId);
    }

    public static Origin will(String clientId) {
        return new Origin(Kind.WILL, clientId);
    }

    public static Origin internal(String component) {
        return new Origin(Kind.INTERNAL, component);
    }

    /** The client id for network origins (used for MQTT 5 no-local), {@code null} for internal ones. */
    public String clientId() {
        return kind == Kind.INTERNAL ? null : id;
    }
}
