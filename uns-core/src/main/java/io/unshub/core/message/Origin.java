package io.unshub.core.message;

import java.util.Objects;
import java.util.Set;

/**
 * Who put a message on the bus. Network clients, their will messages and in-process components all
 * publish through the same funnel; the origin lets rules (the namespace, the ACL) and the historian tell
 * them apart.
 *
 * @param kind     network client, its will, or a component of the hub
 * @param id       the client identifier, or the component's name
 * @param username the authenticated user of a network client, {@code null} for anonymous clients and
 *                 components
 * @param roles    the user's roles (empty when none)
 */
public record Origin(Kind kind, String id, String username, Set<String> roles) {

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
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    public static Origin client(String clientId) {
        return new Origin(Kind.CLIENT, clientId, null, Set.of());
    }

    public static Origin client(String clientId, String username, Set<String> roles) {
        return new Origin(Kind.CLIENT, clientId, username, roles);
    }

    public static Origin will(String clientId) {
        return new Origin(Kind.WILL, clientId, null, Set.of());
    }

    public static Origin internal(String component) {
        return new Origin(Kind.INTERNAL, component, null, Set.of());
    }

    /** The will of the client this origin describes, carrying the same user and roles. */
    public Origin asWill() {
        return new Origin(Kind.WILL, id, username, roles);
    }

    /** The client id for network origins (used for MQTT 5 no-local), {@code null} for internal ones. */
    public String clientId() {
        return kind == Kind.INTERNAL ? null : id;
    }
}
