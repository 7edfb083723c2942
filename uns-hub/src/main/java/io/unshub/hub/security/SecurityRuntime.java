package io.unshub.hub.security;

import io.unshub.broker.config.TlsSettings;
import io.unshub.broker.security.AuthConfigException;
import io.unshub.broker.security.AuthSettings;
import io.unshub.broker.security.HubAuthenticator;
import io.unshub.broker.security.JwtSettings;
import io.unshub.broker.security.acl.AclException;
import io.unshub.broker.security.acl.AclGuard;
import io.unshub.broker.security.acl.AclReloader;
import io.unshub.hub.config.BrokerConfigMapper;
import io.unshub.hub.config.InvalidConfigException;
import io.unshub.hub.config.UnsConfig;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/**
 * Who may connect and what they may do, as the hub runs it: the authenticator (users file, JWT, client
 * certificates, the anonymous policy) and the ACL from {@code acl.yaml}, both reloaded when their files
 * change. Created before the broker, which needs both.
 */
@Singleton
public class SecurityRuntime {

    private static final Logger LOG = Logger.getLogger(SecurityRuntime.class);

    private final HubAuthenticator authenticator;
    private final InternalClients internalClients;
    private final AclGuard acl = new AclGuard();
    private final AclReloader aclReloader;
    private final Duration reloadInterval;
    private final AuthSettings settings;

    SecurityRuntime(UnsConfig config) {
        UnsConfig.Auth auth = config.auth();
        this.reloadInterval = auth.reloadInterval();
        Path usersFile = Path.of(auth.usersFile().orElse(config.configDir() + "/users.yaml"));
        this.settings = settings(auth, usersFile, BrokerConfigMapper.tls(config.mqtt()));
        try {
            this.authenticator = new HubAuthenticator(settings);
        } catch (AuthConfigException e) {
            throw new InvalidConfigException(e.file().endsWith(".json") ? "uns.auth.jwt.jwks-file" : "uns.auth.users-file",
                    e.getMessage());
        }
        this.internalClients = new InternalClients(authenticator);
        Path aclFile = Path.of(config.acl().file().orElse(config.configDir() + "/acl.yaml"));
        if (config.acl().file().isPresent() && !Files.isRegularFile(aclFile)) {
            throw new InvalidConfigException("uns.acl.file", "the ACL file " + aclFile.toAbsolutePath() + " does not exist");
        }
        this.aclReloader = new AclReloader(aclFile, acl);
        try {
            aclReloader.loadInitial();
        } catch (AclException e) {
            authenticator.close();
            throw new InvalidConfigException("uns.acl.file", e.getMessage());
        }
    }

    /** The authenticator's settings from {@code uns.auth.*}; a bad value names its key. */
    public static AuthSettings settings(UnsConfig.Auth auth, Path usersFile, TlsSettings tls) {
        AuthSettings.Anonymous anonymous = BrokerConfigMapper.choice("uns.auth.anonymous", auth.anonymous(),
                AuthSettings.Anonymous.class);
        AuthSettings settings = AuthSettings.DEFAULT.withAnonymous(anonymous).withUsersFile(usersFile)
                .withReloadInterval(auth.reloadInterval())
                .withRevokedCertificates(new HashSet<>(auth.revokedCertificates().orElse(List.of())));
        AuthSettings.CertificateLogin certificateLogin = BrokerConfigMapper.choice("uns.auth.certificate-login",
                auth.certificateLogin(), AuthSettings.CertificateLogin.class);
        if (certificateLogin != AuthSettings.CertificateLogin.OFF) {
            settings = settings.withCertificateLogin(certificateLogin, tls.identity());
        }
        UnsConfig.Auth.Jwt jwt = auth.jwt();
        if (jwt.hs256Secret().isPresent() || jwt.jwksFile().isPresent()) {
            try {
                JwtSettings jwtSettings = jwt.hs256Secret().isPresent() ? JwtSettings.hs256(jwt.hs256Secret().get())
                        : JwtSettings.rs256(Path.of(jwt.jwksFile().get()));
                if (jwt.hs256Secret().isPresent() && jwt.jwksFile().isPresent()) {
                    jwtSettings = new JwtSettings(jwt.hs256Secret().get(), Path.of(jwt.jwksFile().get()),
                            jwtSettings.issuer(), jwtSettings.audience(), jwtSettings.usernameClaim(),
                            jwtSettings.rolesClaim(), jwtSettings.clockSkew());
                }
                jwtSettings = jwtSettings.withIssuer(jwt.issuer().orElse(null)).withAudience(jwt.audience().orElse(null))
                        .withClaims(jwt.usernameClaim(), jwt.rolesClaim());
                if (jwtSettings.audience() == null) {
                    // Secure default, stated: the audience is only checked when configured, so say what that means.
                    LOG.warn("uns.auth.jwt.audience is not set: tokens signed with the configured key are accepted"
                            + " whatever their audience (aud); set it if that key also signs tokens for other services");
                }
                settings = settings.withJwt(jwtSettings);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("uns.auth.jwt.hs256-secret", e.getMessage());
            }
        }
        return settings;
    }

    /** Starts watching the users, JWKS and ACL files. */
    public void start() {
        if (!reloadInterval.isZero() && !reloadInterval.isNegative()) {
            aclReloader.start(reloadInterval);
        }
        LOG.infof("MQTT authentication: anonymous %s, users file %s%s, ACL %s",
                settings.anonymous().name().toLowerCase(), settings.usersFile(),
                settings.jwt() == null ? "" : ", JWT on", aclReloader.status().value() == null ? "none"
                        : aclReloader.file());
    }

    public void stop() {
        aclReloader.close();
        authenticator.close();
    }

    public HubAuthenticator authenticator() {
        return authenticator;
    }

    /** What the broker asks: the hub's in-process clients first ({@link InternalClients}), then the authenticator. */
    public InternalClients brokerAuthenticator() {
        return internalClients;
    }

    public AclGuard acl() {
        return acl;
    }

    public AclReloader aclReloader() {
        return aclReloader;
    }
}
