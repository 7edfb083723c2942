package io.unshub.historian.ingest;

/**
 * What the historian knows about one topic: whether it is stored and, for UNS topics, where it sits in
 * the namespace. Immutable; cached per topic by {@link TopicSelection}.
 *
 * @param stored    whether messages on this topic go into the raw log
 * @param className the {@code _class} segment, or {@code null} when the topic is not a UNS topic
 * @param levels    the location segments by level (up to five, missing ones {@code null})
 * @param tag       the tag path after the class, or {@code null}
 * @param group     the retention group whose tables keep it (index in the store's groups; 0, the default,
 *                  for topics without a class)
 */
public record TopicProfile(boolean stored, String className, String[] levels, String tag, int group) {

    static final TopicProfile SKIPPED = new TopicProfile(false, null, new String[0], null, 0);
    static final TopicProfile UNCLASSIFIED = new TopicProfile(true, null, new String[0], null, 0);

    /** Whether decoded values of this topic can be placed in the namespace (it has a class). */
    public boolean isUns() {
        return className != null;
    }
}
