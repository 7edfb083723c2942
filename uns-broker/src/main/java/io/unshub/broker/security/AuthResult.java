package io.unshub.broker.security;

import java.util.Objects;
import java.util.Set;

/** The verdict on a connecting client. */
public sealed interface AuthResult {

    /**
     * Let in, as {@code username} (null for anonymous) with {@code roles}.
     *
     * @param method how it was established, for the audit log: anonymous, password, jwt, certificate
     */
    record Allowed(String username, Set<String> roles, String method) implements AuthResult {
        public Allowed {
            roles = roles == null ? Set.of() : Set.copyOf(roles);
            Objects.requireNonNull(method, "method");
        }
    }

    /**
     * Kept out.
     *
     * @param reasonCode the MQTT 5 CONNACK reason code (0x86 bad user name or password, 0x87 not authorized,
     *                   0x89 server busy); MQTT 3.1.1 clients get the nearest 3.1.1 code
     * @param reason     for the log and the MQTT 5 reason string; never contains the password or token
     */
    record Refused(int reasonCode, String reason) implements AuthResult {
    }

    static AuthResult anonymous() {
        return ANONYMOUS;
    }

    AuthResult ANONYMOUS = new Allowed(null, Set.of(), "anonymous");
}
