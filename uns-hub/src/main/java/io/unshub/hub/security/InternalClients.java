package io.unshub.hub.security;

import io.unshub.broker.security.AuthResult;
import io.unshub.broker.security.Authenticator;
import io.unshub.broker.security.Credentials;
import io.unshub.broker.transport.ReasonCodes;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identities for MQTT clients that run inside the hub itself (the demo's Sparkplug edge node): each gets a
 * random password that exists only in this process's memory, so it can log in whatever
 * {@code uns.auth.anonymous} says and without an entry in users.yaml, and nobody outside the process can use
 * the identity. Both its user name and its client id are reserved: a CONNECT with either must carry both and the
 * password. A wrong password under the user name is refused as bad credentials (0x86); any other client that
 * claims the client id (an anonymous one, or a real user) is refused as not authorized (0x87), because taking the
 * session over would let it fire the internal client's will (for the demo edge node, a spoofed NDEATH).
 * Everything else goes to the hub's authenticator unchanged.
 *
 * <p>Threads: {@link #register} runs on start-up threads, {@link #authenticate} on broker event loops; the
 * registry is a concurrent map and the check is a constant-time comparison, cheap enough for an event loop.
 */
public final class InternalClients implements Authenticator {

    private record Entry(byte[] password, Set<String> roles) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();
    private final Authenticator delegate;

    public InternalClients(Authenticator delegate) {
        this.delegate = delegate;
    }

    /**
     * Registers (or re-keys) an in-process client; it logs in with user name and client id {@code name}.
     *
     * @return the password to send in CONNECT; keep it inside the process
     */
    public byte[] register(String name, Set<String> roles) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        byte[] password = Base64.getEncoder().withoutPadding().encode(secret);
        clients.put(name, new Entry(password, Set.copyOf(roles)));
        return password.clone();
    }

    /** Frees {@code name} (user name and client id) when its in-process client is gone. */
    public void unregister(String name) {
        clients.remove(name);
    }

    @Override
    public CompletionStage<AuthResult> authenticate(Credentials credentials) {
        Entry entry = credentials.username() == null ? null : clients.get(credentials.username());
        if (entry == null) {
            if (credentials.clientId() != null && clients.containsKey(credentials.clientId())) {
                return CompletableFuture.completedFuture(new AuthResult.Refused(ReasonCodes.NOT_AUTHORIZED,
                        "client id '" + credentials.clientId() + "' is reserved for a client inside the hub"));
            }
            return delegate.authenticate(credentials);
        }
        boolean ok = credentials.username().equals(credentials.clientId()) && credentials.password() != null
                && MessageDigest.isEqual(entry.password(), credentials.password());
        return CompletableFuture.completedFuture(ok
                ? new AuthResult.Allowed(credentials.username(), entry.roles(), "internal")
                // The name is reserved: a wrong password is not passed on to users.yaml or JWT.
                : new AuthResult.Refused(ReasonCodes.BAD_USER_NAME_OR_PASSWORD, "bad user name or password"));
    }

    /** For tests and logs: whether {@code name} is a registered in-process client. */
    public boolean isRegistered(String name) {
        return clients.containsKey(name);
    }
}
