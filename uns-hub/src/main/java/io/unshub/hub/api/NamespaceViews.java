package io.unshub.hub.api;

import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.check.Verdict;
import io.unshub.namespace.live.LiveNamespace;
import io.unshub.namespace.live.TopicValue;
import io.unshub.namespace.model.NamespaceModel;

import java.time.Instant;
import java.util.List;

/** JSON shapes of the namespace for the REST API. */
final class NamespaceViews {

    private NamespaceViews() {
    }

    /**
     * The model in force and how it got there.
     *
     * @param lastError       why the last reload was refused (the previous model stays), or null
     * @param untrackedTopics messages on new topics not kept because the live namespace was full
     */
    record ModelView(String name, String revision, String checksum, String source, boolean enforced,
                     Instant loadedAt, int reloads, String lastError, Instant lastErrorAt, int liveTopics,
                     long untrackedTopics, NamespaceModel model) {
    }

    /** The last value of one topic. */
    record ValueView(String topic, Object value, String encoding, long messageCount, Instant lastUpdate, int qos,
                     boolean retain, String publisher) {
    }

    /** One path in the tree; {@code value} is set when the path is itself a topic. */
    record NodeView(String name, String path, int children, long topicsBelow, ValueView value) {
    }

    /**
     * @param next pass as {@code after} to get the next page of children; null on the last page
     */
    record TreeView(String path, String revision, List<NodeView> children, String next) {
    }

    /**
     * @param next pass as {@code after} to get the next page; null on the last page
     */
    record ValuesView(String filter, int count, List<ValueView> values, String next) {
    }

    record VerdictView(String topic, String verdict, String className, String rule, String ruleName,
                       Integer reasonCode, String reason, String revision) {
    }

    static ValueView value(TopicValue value) {
        UnsMessage last = value.last();
        PayloadView payload = PayloadView.of(last.payload());
        return new ValueView(value.topic(), payload.value(), payload.encoding(), value.messageCount(),
                Instant.ofEpochMilli(last.receivedAtMillis()), last.qos(), last.retain(), last.origin().id());
    }

    static NodeView node(LiveNamespace.Node node) {
        return new NodeView(node.name(), node.path(), node.children(), node.topicsBelow(),
                node.value() == null || node.value().last() == null ? null : value(node.value()));
    }

    static VerdictView verdict(String topic, Verdict verdict, String revision) {
        var rule = verdict.rule();
        return new VerdictView(topic, verdict.kind().name().toLowerCase(), verdict.className(),
                rule == null ? null : rule.id(), rule == null ? null : rule.ruleName(),
                rule == null ? null : rule.reasonCode(), verdict.reason(), revision);
    }
}
