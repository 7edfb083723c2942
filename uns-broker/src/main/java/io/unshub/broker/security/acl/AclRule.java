package io.unshub.broker.security.acl;

import io.unshub.core.message.Origin;

import java.util.List;
import java.util.Set;

/**
 * One compiled rule of an ACL file: who (users, roles, clients, components), which actions, which filters,
 * and the shared verdict it gives when it applies. Immutable.
 */
final class AclRule {

    private final int line;
    private final boolean allow;
    private final boolean publish;
    private final boolean subscribe;
    private final boolean everyClient;
    private final Set<String> users;
    private final String[] roles;
    private final Set<String> clients;
    private final Set<String> components;
    private final AclFilter[] filters;
    private final Verdict verdict;

    /**
     * @param where    how reasons and the audit log name the rule ({@code acl.yaml:12})
     * @param line     the rule's 1-based line in its file
     * @param allow    an allow rule (else deny)
     * @param publish  it lists the publish action
     * @param subscribe it lists the subscribe action
     */
    AclRule(String where, int line, boolean allow, boolean publish, boolean subscribe, Set<String> users,
            Set<String> roles, Set<String> clients, Set<String> components, List<AclFilter> filters) {
        this.line = line;
        this.allow = allow;
        this.publish = publish;
        this.subscribe = subscribe;
        this.users = Set.copyOf(users);
        this.roles = roles.toArray(String[]::new);
        this.clients = Set.copyOf(clients);
        this.components = Set.copyOf(components);
        this.everyClient = users.isEmpty() && roles.isEmpty() && clients.isEmpty() && components.isEmpty();
        this.filters = filters.toArray(AclFilter[]::new);
        this.verdict = allow ? Verdict.allow(where) : Verdict.deny(where);
    }

    int line() {
        return line;
    }

    boolean allows() {
        return allow;
    }

    boolean covers(AclAction action) {
        return action == AclAction.PUBLISH ? publish : subscribe;
    }

    /** Whether it judges network clients (and their wills): it names users, roles or clients, or nobody at all. */
    boolean judgesClients() {
        return everyClient || !users.isEmpty() || roles.length > 0 || !clients.isEmpty();
    }

    /** Whether it judges in-process publishers: it names components. */
    boolean judgesComponents() {
        return !components.isEmpty();
    }

    Verdict verdict() {
        return verdict;
    }

    /** Whether the rule is about this publisher or subscriber. Allocation-free. */
    boolean isFor(Origin origin) {
        if (origin.kind() == Origin.Kind.INTERNAL) {
            return components.contains(origin.id());
        }
        if (everyClient) {
            return true;
        }
        String user = origin.username();
        if (user != null && users.contains(user) || clients.contains(origin.id())) {
            return true;
        }
        Set<String> held = origin.roles();
        for (String role : roles) {
            if (held.contains(role)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of its filters matches a PUBLISH topic. Allocation-free unless a filter uses %u or %c. */
    boolean matchesTopic(String topic, Origin origin) {
        for (AclFilter filter : filters) {
            if (filter.matchesTopic(topic, origin.username(), origin.id())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether it applies to a SUBSCRIBE of {@code requested} (levels of the filter without {@code $share/}): an
     * allow rule when one of its filters covers the whole request, a deny rule when one overlaps any part of it.
     */
    boolean matchesSubscription(String[] requested, Origin origin) {
        for (AclFilter filter : filters) {
            String[] levels = filter.levelsFor(origin.username(), origin.id());
            if (levels != null && (allow ? AclFilter.covers(levels, requested) : AclFilter.overlaps(levels, requested))) {
                return true;
            }
        }
        return false;
    }
}
