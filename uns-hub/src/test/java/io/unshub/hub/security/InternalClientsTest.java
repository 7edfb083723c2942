package io.unshub.hub.security;

import io.unshub.broker.security.AuthResult;
import io.unshub.broker.security.AuthSettings;
import io.unshub.broker.security.Credentials;
import io.unshub.broker.security.HubAuthenticator;
import io.unshub.broker.transport.ReasonCodes;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-process identities against the hub's real authenticator with its default anonymous policy (loopback
 * clients let in without credentials): the internal client id cannot be claimed by anyone else, so nobody can
 * take the internal client's session over (and fire its will); a stopped internal client frees its name.
 */
class InternalClientsTest {

    private static final String NAME = "uns-demo-edge";

    private final InternalClients clients;

    InternalClientsTest() throws Exception {
        clients = new InternalClients(new HubAuthenticator(AuthSettings.DEFAULT));
    }

    private AuthResult connect(String clientId, String username, byte[] password) {
        return clients.authenticate(new Credentials(clientId, username, password, InetAddress.getLoopbackAddress(),
                null, 4)).toCompletableFuture().join();
    }

    @Test
    void theInternalClientLogsInWithItsNameAndPassword() {
        byte[] password = clients.register(NAME, Set.of("sparkplug-edge"));
        assertThat(connect(NAME, NAME, password)).isInstanceOfSatisfying(AuthResult.Allowed.class,
                a -> assertThat(a.roles()).containsExactly("sparkplug-edge"));
    }

    @Test
    void anAnonymousLoopbackClientCannotClaimTheReservedClientId() {
        clients.register(NAME, Set.of("sparkplug-edge"));
        assertThat(connect("someone-else", null, null)).as("anonymous loopback clients are let in by default")
                .isInstanceOf(AuthResult.Allowed.class);
        assertThat(connect(NAME, null, null)).isInstanceOfSatisfying(AuthResult.Refused.class,
                r -> assertThat(r.reasonCode()).isEqualTo(ReasonCodes.NOT_AUTHORIZED));
        assertThat(connect(NAME, "mes", "pw".getBytes(StandardCharsets.UTF_8))).as("nor any user")
                .isInstanceOfSatisfying(AuthResult.Refused.class,
                        r -> assertThat(r.reasonCode()).isEqualTo(ReasonCodes.NOT_AUTHORIZED));
    }

    @Test
    void aWrongPasswordForTheReservedNameIsBadCredentials() {
        clients.register(NAME, Set.of("sparkplug-edge"));
        assertThat(connect(NAME, NAME, "guess".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(AuthResult.Refused.class,
                        r -> assertThat(r.reasonCode()).isEqualTo(ReasonCodes.BAD_USER_NAME_OR_PASSWORD));
    }

    @Test
    void anUnregisteredNameIsFreeAgain() {
        byte[] password = clients.register(NAME, Set.of("sparkplug-edge"));
        clients.unregister(NAME);
        assertThat(clients.isRegistered(NAME)).isFalse();
        assertThat(connect(NAME, null, null)).isInstanceOf(AuthResult.Allowed.class);
        AuthResult oldKey = connect(NAME, NAME, password);
        if (oldKey instanceof AuthResult.Allowed allowed) { // the hub's policy for an unknown user, not the identity
            assertThat(allowed.method()).as("the old password is no key to the internal identity any more")
                    .isNotEqualTo("internal");
            assertThat(allowed.roles()).doesNotContain("sparkplug-edge");
        }
    }
}
