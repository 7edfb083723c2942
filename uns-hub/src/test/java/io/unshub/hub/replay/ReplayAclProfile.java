package io.unshub.hub.replay;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.unshub.broker.security.UsersFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** The hub with an ACL: the MES may subscribe to replays ($replay/#) and to acme/#, but not to secret/#. */
public class ReplayAclProfile implements QuarkusTestProfile {

    static final Path DIR = Path.of("target", "test-replay-acl").toAbsolutePath();

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(DIR);
            Files.deleteIfExists(DIR.resolve("users.yaml"));
            UsersFile.addOrReplaceUser(DIR.resolve("users.yaml"), "mes", "mes-secret".toCharArray(), Set.of("mes"));
            Files.writeString(DIR.resolve("acl.yaml"), """
                    default: deny
                    rules:
                      - allow: [subscribe]
                        roles: [mes]
                        topics: ["$replay/#", "acme/#"]
                    """, StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("uns.auth.anonymous", "none", "uns.auth.users-file", DIR.resolve("users.yaml").toString(),
                "uns.acl.file", DIR.resolve("acl.yaml").toString());
    }
}
