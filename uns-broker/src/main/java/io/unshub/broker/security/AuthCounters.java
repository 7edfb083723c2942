package io.unshub.broker.security;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Authentication outcomes since start, for metrics: allowed connections per method and refusals per
 * reason. The reasons are a fixed set, so a metric labelled with them stays small whatever clients send.
 *
 * <p>Threads: incremented from any thread (event loops, the hashing threads), read from any thread.
 */
public final class AuthCounters {

    /** How a client got in; {@link #label()} is also {@link AuthResult.Allowed#method()}. */
    public enum Method {
        ANONYMOUS("anonymous"), PASSWORD("password"), JWT("jwt"), CERTIFICATE("certificate");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Why a client was kept out. */
    public enum Refusal {
        /** No credentials, and anonymous access is off (or only for loopback clients). */
        ANONYMOUS_NOT_ALLOWED("anonymous_not_allowed"),
        /** A password without a user name. */
        NO_USER_NAME("no_user_name"),
        UNKNOWN_USER("unknown_user"),
        BAD_PASSWORD("bad_password"),
        JWT_INVALID("jwt_invalid"),
        JWT_EXPIRED("jwt_expired"),
        CERTIFICATE_REVOKED("certificate_revoked"),
        CERTIFICATE_INVALID("certificate_invalid"),
        CERTIFICATE_NOT_LISTED("certificate_not_listed"),
        /** The hashing queue was full. */
        SERVER_BUSY("server_busy");

        private final String label;

        Refusal(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Map<Method, LongAdder> allowed = new EnumMap<>(Method.class);
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);

    public AuthCounters() {
        for (Method method : Method.values()) {
            allowed.put(method, new LongAdder());
        }
        for (Refusal refusal : Refusal.values()) {
            refused.put(refusal, new LongAdder());
        }
    }

    void allowed(Method method) {
        allowed.get(method).increment();
    }

    void refused(Refusal refusal) {
        refused.get(refusal).increment();
    }

    public long allowedCount(Method method) {
        return allowed.get(method).sum();
    }

    public long refusedCount(Refusal refusal) {
        return refused.get(refusal).sum();
    }

    /** Allowed connections by method label, every method present. */
    public Map<String, Long> allowedByMethod() {
        Map<String, Long> out = new LinkedHashMap<>();
        allowed.forEach((method, count) -> out.put(method.label(), count.sum()));
        return out;
    }

    /** Refusals by reason label, every reason present. */
    public Map<String, Long> refusedByReason() {
        Map<String, Long> out = new LinkedHashMap<>();
        refused.forEach((refusal, count) -> out.put(refusal.label(), count.sum()));
        return out;
    }
}
