package io.unshub.hub.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.unshub.broker.security.UsersFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The hub with nobody anonymous: two users in a users file written with the same code as {@code user add},
 * an HS256 JWT secret, and an ACL that lets the PLC publish its line and the MES read everything.
 */
public class SecuredHubProfile implements QuarkusTestProfile {

    static final Path DIR = Path.of("target", "test-security").toAbsolutePath();
    static final String JWT_SECRET = "a-test-secret-that-is-at-least-32-bytes-long";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(DIR);
            Files.deleteIfExists(DIR.resolve("users.yaml"));
            UsersFile.addOrReplaceUser(DIR.resolve("users.yaml"), "plc-line1", "plc-secret".toCharArray(), Set.of("plc"));
            UsersFile.addOrReplaceUser(DIR.resolve("users.yaml"), "mes", "mes-secret".toCharArray(), Set.of("mes"));
            Files.writeString(DIR.resolve("acl.yaml"), """
                    default: deny
                    rules:
                      - allow: [publish]
                        roles: [plc]
                        topics: ["acme/dallas/press/line1/#"]
                      - allow: [subscribe]
                        roles: [mes]
                        topics: ["acme/#", "$uns/#"]
                      - allow: [publish, subscribe]
                        users: [jwt-client]
                        topics: ["acme/dallas/_raw/%u/#"]
                    """, StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("uns.auth.anonymous", "none", "uns.auth.users-file", DIR.resolve("users.yaml").toString(),
                "uns.acl.file", DIR.resolve("acl.yaml").toString(), "uns.auth.jwt.hs256-secret", JWT_SECRET,
                "uns.auth.jwt.audience", "uns-hub");
    }
}
