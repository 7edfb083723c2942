package io.unshub.broker.security;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides who may connect. Called once per CONNECT on the connection's event loop; an implementation
 * that does slow work (password hashing, file or network access) must do it elsewhere and complete the
 * stage later. The connection waits, reading nothing else, until it completes.
 */
@FunctionalInterface
public interface Authenticator {

    /** Lets everyone in anonymously (tests, and the broker on its own). */
    Authenticator ALLOW_ANONYMOUS = credentials -> CompletableFuture.completedFuture(AuthResult.anonymous());

    CompletionStage<AuthResult> authenticate(Credentials credentials);
}
