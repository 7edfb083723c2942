package io.unshub.historian.ingest;

import io.unshub.core.topic.TopicMatcher;
import io.unshub.historian.store.Schema;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.model.NamespaceModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Decides which topics the historian stores and parses the UNS ones into location, class and tag path.
 * The order of the rules: an {@code exclude} filter wins, then an {@code include} filter, then the
 * namespace class's {@code historize} flag; topics outside the model are stored when
 * {@code storeUnclassified} is set, '$' topics only when an include filter names them. Decisions are
 * cached per topic (bounded: the cache is cleared when it is full or the model changes). Used only on the
 * ingest thread.
 */
public final class TopicSelection {

    /** Topics under it are never stored, whatever the include list says. */
    public static final String REPLAY_PREFIX = "$replay/";

    private final Supplier<CompiledNamespace> namespace;
    private final List<String> include;
    private final List<String> exclude;
    private final boolean storeUnclassified;
    private final int maxCached;
    private final ToIntFunction<String> groupOfClass;
    private final Map<String, TopicProfile> cache = new HashMap<>();
    private CompiledNamespace cachedFor;

    /**
     * @param groupOfClass the retention group (index in the store's groups) that keeps a namespace class
     */
    public TopicSelection(Supplier<CompiledNamespace> namespace, List<String> include, List<String> exclude,
                          boolean storeUnclassified, int maxCached, ToIntFunction<String> groupOfClass) {
        this.namespace = namespace;
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
        this.storeUnclassified = storeUnclassified;
        this.maxCached = maxCached;
        this.groupOfClass = groupOfClass;
    }

    /** The include filters that name '$' topics: the bus delivers those only to subscriptions that name them. */
    public List<String> dollarIncludes() {
        return include.stream().filter(f -> f.startsWith("$")).toList();
    }

    public TopicProfile profile(String topic) {
        CompiledNamespace model = namespace.get();
        if (model != cachedFor || cache.size() >= maxCached) {
            cache.clear();
            cachedFor = model;
        }
        TopicProfile profile = cache.get(topic);
        if (profile == null) {
            profile = decide(model, topic);
            cache.put(topic, profile);
        }
        return profile;
    }

    private TopicProfile decide(CompiledNamespace model, String topic) {
        // Replays re-emit history; storing them again would duplicate it.
        if (topic.startsWith(REPLAY_PREFIX) || anyMatches(exclude, topic)) {
            return TopicProfile.SKIPPED;
        }
        boolean included = anyMatches(include, topic);
        int classified = model.classify(topic);
        if (classified >= 0) {
            String className = model.className(classified);
            NamespaceModel.ClassSpec spec = model.model().classes().get(className);
            boolean stored = included || spec == null || spec.historize();
            return stored ? parse(model.model(), topic, className, groupOfClass.applyAsInt(className)) : TopicProfile.SKIPPED;
        }
        if (included) {
            return TopicProfile.UNCLASSIFIED;
        }
        boolean dollar = topic.startsWith("$");
        boolean stored = !dollar && storeUnclassified && classified != CompiledNamespace.RESERVED;
        return stored ? TopicProfile.UNCLASSIFIED : TopicProfile.SKIPPED;
    }

    /** Splits an accepted UNS topic: [root/]location.../_class/tag/path. */
    private static TopicProfile parse(NamespaceModel model, String topic, String className, int group) {
        String[] segments = topic.split("/", -1);
        int start = model.root().isEmpty() ? 0 : model.root().split("/", -1).length;
        String[] levels = new String[Schema.LEVELS.size()];
        int i = start;
        while (i < segments.length && !segments[i].startsWith("_")) {
            if (i - start < levels.length) {
                levels[i - start] = segments[i];
            }
            i++;
        }
        String tag = i + 1 < segments.length ? String.join("/", java.util.Arrays.copyOfRange(segments, i + 1, segments.length))
                : null;
        return new TopicProfile(true, className, levels, tag, group);
    }

    private static boolean anyMatches(List<String> filters, String topic) {
        for (String filter : filters) {
            if (TopicMatcher.matches(filter, topic)) {
                return true;
            }
        }
        return false;
    }
}
