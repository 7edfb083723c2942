package io.unshub.opcua.connection;

import io.unshub.opcua.config.ConnectionConfig;
import io.unshub.opcua.config.ConnectionConfig.Auth;
import io.unshub.opcua.pki.ApplicationIdentity;
import io.unshub.opcua.pki.ServerTrust;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/** Builds a Milo client for a connection: endpoint choice, hostname override, certificates, identity, timeouts. */
public final class ClientFactory {

    private ClientFactory() {
    }

    /** Discovers the server's endpoints (blocking) and returns an unconnected client for the configured one. */
    public static OpcUaClient create(ConnectionConfig config, ApplicationIdentity identity, ServerTrust trust)
            throws UaException {
        SecurityPolicy policy = SecurityPolicy.valueOf(config.security().policy().name());
        MessageSecurityMode mode = MessageSecurityMode.valueOf(config.security().mode().name());
        IdentityProvider user = identityProvider(config.auth());
        List<String> offered = Collections.synchronizedList(new ArrayList<>());
        try {
            return OpcUaClient.create(config.endpoint(),
                    endpoints -> select(config, policy, mode, endpoints, offered),
                    transport -> transport.setConnectTimeout(uint(config.session().requestTimeoutMs())),
                    builder -> builder
                            .setApplicationName(LocalizedText.english("UNS hub"))
                            .setApplicationUri(identity.applicationUri())
                            .setProductUri("urn:unshub:uns-hub")
                            .setKeyPair(identity.keyPair())
                            .setCertificate(identity.certificate())
                            .setCertificateChain(new X509Certificate[]{identity.certificate()})
                            .setCertificateValidator(trust)
                            .setIdentityProvider(user)
                            .setSessionTimeout(uint(config.session().timeoutMs()))
                            .setRequestTimeout(uint(config.session().requestTimeoutMs()))
                            .setKeepAliveInterval(uint(config.session().keepAliveMs()))
                            .setKeepAliveFailuresAllowed(uint(config.session().keepAliveFailures())));
        } catch (UaException e) {
            if (!offered.isEmpty() && e.getStatusCode().getValue() == StatusCodes.Bad_ConfigurationError) {
                throw new UaException(StatusCodes.Bad_ConfigurationError, "the server offers no endpoint with "
                        + policy.name() + "/" + mode + " (it offers " + String.join(", ", offered) + ")");
            }
            throw e;
        }
    }

    private static Optional<EndpointDescription> select(ConnectionConfig config, SecurityPolicy policy,
                                                        MessageSecurityMode mode, List<EndpointDescription> endpoints,
                                                        List<String> offered) {
        for (EndpointDescription e : endpoints) {
            offered.add(SecurityPolicy.fromUriSafe(e.getSecurityPolicyUri()).map(Enum::name)
                    .orElse(e.getSecurityPolicyUri()) + "/" + e.getSecurityMode());
        }
        return endpoints.stream()
                .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()) && e.getSecurityMode() == mode)
                .findFirst()
                .map(e -> config.overrideHostname()
                        ? EndpointUtil.updateUrl(e, EndpointUtil.getHost(config.endpoint()),
                        EndpointUtil.getPort(config.endpoint()))
                        : e);
    }

    static IdentityProvider identityProvider(Auth auth) throws UaException {
        return switch (auth.type()) {
            case anonymous -> new AnonymousProvider();
            case username -> new UsernameProvider(auth.username(), auth.password());
            case x509 -> {
                try (InputStream in = Files.newInputStream(auth.keyStore())) {
                    KeyStore store = KeyStore.getInstance("PKCS12");
                    char[] password = auth.keyStorePassword().toCharArray();
                    store.load(in, password);
                    String alias = auth.alias() != null ? auth.alias() : store.aliases().nextElement();
                    PrivateKey key = (PrivateKey) store.getKey(alias, password);
                    X509Certificate cert = (X509Certificate) store.getCertificate(alias);
                    if (key == null || cert == null) {
                        throw new UaException(StatusCodes.Bad_ConfigurationError, "the key store " + auth.keyStore()
                                + " has no key and certificate under alias " + alias);
                    }
                    yield new X509IdentityProvider(cert, key);
                } catch (IOException | GeneralSecurityException e) {
                    throw new UaException(StatusCodes.Bad_ConfigurationError, "cannot read the user key store "
                            + auth.keyStore() + ": " + e.getMessage());
                }
            }
        };
    }
}
