package io.unshub.broker.security.acl;

import io.unshub.core.message.Origin;
import io.unshub.core.topic.Topics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled ACL file: the rules in file order, split per action and per kind of publisher so that a check
 * only walks the rules that can apply. Immutable; {@link AclGuard} swaps whole instances on reload.
 *
 * <p>Cost: a check is a linear scan, first match wins. For each candidate rule it tests the principal (set
 * look-ups) and then the rule's filters ({@link io.unshub.core.topic.TopicMatcher}, no allocation). A file of
 * a few dozen rules costs well under a microsecond per publish; files with hundreds of rules would want an
 * index by first topic level, which this does not build.
 */
public final class AclRules {

    private static final Set<String> TOP_KEYS = Set.of("default", "rules");
    private static final Set<String> RULE_KEYS = Set.of("allow", "deny", "users", "roles", "clients", "components",
            "topics");
    private static final AclRule[] NONE = new AclRule[0];
    private static final AclRules ALLOW_ALL = new AclRules(null, true, List.of());

    private final String source;
    private final boolean defaultAllow;
    private final List<AclRule> rules;
    private final AclRule[] clientPublish;
    private final AclRule[] clientSubscribe;
    private final AclRule[] componentPublish;
    private final AclRule[] componentSubscribe;
    private final Verdict byDefault;

    private AclRules(String source, boolean defaultAllow, List<AclRule> rules) {
        this.source = source;
        this.defaultAllow = defaultAllow;
        this.rules = List.copyOf(rules);
        this.clientPublish = select(rules, AclAction.PUBLISH, false);
        this.clientSubscribe = select(rules, AclAction.SUBSCRIBE, false);
        this.componentPublish = select(rules, AclAction.PUBLISH, true);
        this.componentSubscribe = select(rules, AclAction.SUBSCRIBE, true);
        String where = source == null ? "no ACL file" : displayName(source) + " default";
        this.byDefault = source == null ? Verdict.NOT_RESTRICTED : defaultAllow ? Verdict.allow(where) : Verdict.deny(where);
    }

    private static AclRule[] select(List<AclRule> rules, AclAction action, boolean components) {
        List<AclRule> selected = rules.stream()
                .filter(r -> r.covers(action) && (components ? r.judgesComponents() : r.judgesClients()))
                .toList();
        return selected.isEmpty() ? NONE : selected.toArray(AclRule[]::new);
    }

    /** No ACL file: every client and component may publish and subscribe to anything. */
    public static AclRules allowAll() {
        return ALLOW_ALL;
    }

    /** Reads and compiles an ACL file. */
    public static AclRules load(Path file) throws AclException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AclException(file.toString(), 0, "", "cannot read the file: " + e);
        }
        return parse(text, file.toString());
    }

    /**
     * Compiles ACL text.
     *
     * @param source names the file in errors; its last path segment names rules in reasons and the audit log
     */
    public static AclRules parse(String text, String source) throws AclException {
        AclYaml root = AclYaml.parse(text, source);
        Map<String, AclYaml> top = root.entries(TOP_KEYS);
        boolean defaultAllow = false;
        AclYaml defaultView = top.get("default");
        if (defaultView != null) {
            String value = defaultView.text();
            if (!value.equals("allow") && !value.equals("deny")) {
                throw defaultView.error("must be allow or deny, was '" + value + "'");
            }
            defaultAllow = value.equals("allow");
        }
        List<AclRule> rules = new ArrayList<>();
        AclYaml rulesView = top.get("rules");
        if (rulesView != null && !rulesView.isNull()) {
            String name = displayName(source);
            for (AclYaml item : rulesView.items()) {
                rules.add(rule(item, name));
            }
        }
        return new AclRules(source, defaultAllow, rules);
    }

    private static AclRule rule(AclYaml item, String name) throws AclException {
        Map<String, AclYaml> e = item.entries(RULE_KEYS);
        AclYaml allow = e.get("allow");
        AclYaml deny = e.get("deny");
        if (allow != null && deny != null) {
            throw deny.atKey().error("a rule either allows or denies; split it into two rules");
        }
        if (allow == null && deny == null) {
            throw item.error("a rule needs 'allow: [actions]' or 'deny: [actions]'");
        }
        Set<String> actions = new LinkedHashSet<>();
        for (AclYaml actionView : nonEmpty(allow != null ? allow : deny, "actions")) {
            String action = actionView.text();
            if (!action.equals(AclAction.PUBLISH.word()) && !action.equals(AclAction.SUBSCRIBE.word())) {
                throw actionView.error("unknown action '" + action + "' (allowed: publish, subscribe)");
            }
            actions.add(action);
        }
        AclYaml topicsView = e.get("topics");
        if (topicsView == null) {
            throw item.error("a rule needs 'topics: [filters]'");
        }
        List<AclFilter> filters = new ArrayList<>();
        for (AclYaml topic : nonEmpty(topicsView, "filters")) {
            String text = topic.text();
            try {
                filters.add(AclFilter.compile(text));
            } catch (IllegalArgumentException problem) {
                throw topic.error("bad filter '" + text + "': " + problem.getMessage());
            }
        }
        if (e.containsKey("components") && actions.contains(AclAction.SUBSCRIBE.word())) {
            // In-process components subscribe through the bus, not through SUBSCRIBE; such a rule would never act.
            throw e.get("components").error("components only publish through the ACL; a rule naming components "
                    + "can only cover publish");
        }
        int line = item.line();
        return new AclRule(name + ":" + line, line, allow != null, actions.contains(AclAction.PUBLISH.word()),
                actions.contains(AclAction.SUBSCRIBE.word()), who(e, "users"), who(e, "roles"), who(e, "clients"),
                who(e, "components"), filters);
    }

    private static Set<String> who(Map<String, AclYaml> entries, String key) throws AclException {
        AclYaml view = entries.get(key);
        return view == null ? Set.of() : words(view, key);
    }

    /** A non-empty list of words; a bad item is reported at its own line. */
    private static Set<String> words(AclYaml view, String what) throws AclException {
        Set<String> words = new LinkedHashSet<>();
        for (AclYaml item : nonEmpty(view, what)) {
            words.add(item.text());
        }
        return words;
    }

    private static List<AclYaml> nonEmpty(AclYaml view, String what) throws AclException {
        if (view.isNull()) {
            throw view.atKey().error("no " + what + " given; list at least one (or leave the key out where it is optional)");
        }
        List<AclYaml> items = view.items();
        if (items.isEmpty()) {
            throw view.atKey().error("the list of " + what + " is empty; list at least one (or leave the key out where it is optional)");
        }
        return items;
    }

    /** The last path segment: {@code config/acl.yaml} becomes {@code acl.yaml}, so reasons do not reveal directories. */
    private static String displayName(String source) {
        int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
        return source.substring(slash + 1);
    }

    /** Judges a PUBLISH (or a will) by {@code origin} to {@code topic}. Allocation-free unless a %u/%c rule is tried. */
    Verdict publish(Origin origin, String topic) {
        boolean component = origin.kind() == Origin.Kind.INTERNAL;
        for (AclRule rule : component ? componentPublish : clientPublish) {
            if (rule.isFor(origin) && rule.matchesTopic(topic, origin)) {
                return rule.verdict();
            }
        }
        return component ? Verdict.NOT_RESTRICTED : byDefault;
    }

    /** Judges a SUBSCRIBE by {@code origin} to {@code filter} (a {@code $share/<group>/} prefix is ignored). */
    Verdict subscribe(Origin origin, String filter) {
        boolean component = origin.kind() == Origin.Kind.INTERNAL;
        AclRule[] candidates = component ? componentSubscribe : clientSubscribe;
        if (candidates.length > 0) {
            String[] requested = AclFilter.levels(Topics.matchingFilter(filter));
            for (AclRule rule : candidates) {
                if (rule.isFor(origin) && rule.matchesSubscription(requested, origin)) {
                    return rule.verdict();
                }
            }
        }
        return component ? Verdict.NOT_RESTRICTED : byDefault;
    }

    /** Whether these rules can refuse anything at all ({@code false} only when there is no ACL file). */
    public boolean restricts() {
        return source != null;
    }

    /** The file the rules came from, or {@code null} for {@link #allowAll()}. */
    public String source() {
        return source;
    }

    /** Whether a network client that no rule matches is allowed ({@code default: allow}). */
    public boolean defaultAllows() {
        return source == null || defaultAllow;
    }

    /** The number of rules. */
    public int size() {
        return rules.size();
    }

    List<AclRule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return source == null ? "AclRules[no file: everything allowed]"
                : "AclRules[" + source + ", " + rules.size() + " rules, default " + (defaultAllow ? "allow" : "deny") + "]";
    }
}
