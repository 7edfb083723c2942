package io.unshub.sparkplug.mapping;

import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.log.RateLimitedLog;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.topic.Topics;
import io.unshub.namespace.sparkplug.SparkplugMapping;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Turns Sparkplug ids and metric names into namespace topics with the model's {@code sparkplug:} mapping and
 * publishes the hub's JSON documents there through the bus, as {@code Origin.internal("sparkplug")}, so the
 * namespace, the ACL, retained semantics and the historian treat them like any other publisher's.
 * A projection the namespace refuses is counted and logged (rate-limited), never retried.
 *
 * <p>Thread-safe: called on the edge nodes' serial queues; the mapping is read fresh for every topic, so a
 * reloaded model applies from the next birth on.
 */
public final class UnsProjector {

    public static final Origin ORIGIN = Origin.internal("sparkplug");

    private static final RateLimitedLog REJECTED_LOG = RateLimitedLog.standard(LoggerFactory.getLogger(UnsProjector.class));

    private final UnsBus bus;
    private final Supplier<SparkplugMapping> mapping;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    public UnsProjector(UnsBus bus, Supplier<SparkplugMapping> mapping) {
        this.bus = bus;
        this.mapping = mapping;
    }

    /** The topics of a metric of node {@code group/node}, device {@code device} ({@code ""} for node metrics). */
    public MetricTopics topics(String group, String node, String device, String metric) {
        SparkplugMapping m = mapping.get();
        SparkplugMapping.Rule rule = m.ruleFor(group, node, device);
        String location = rule.location().render(group, node, device, metric);
        String tag = rule.tag().render(group, node, device, metric);
        if (location.isEmpty() || tag.isEmpty()) {
            return MetricTopics.NONE;
        }
        return new MetricTopics(location + '/' + m.valueClass() + '/' + tag,
                m.metaClass() == null ? null : location + '/' + m.metaClass() + '/' + tag,
                m.commandClass() == null ? null : location + '/' + m.commandClass() + '/' + tag);
    }

    /** Publishes a retained document; returns whether the bus accepted it. */
    public boolean publishRetained(String topic, byte[] json) {
        return publish(topic, json, true, MessageProperties.NONE);
    }

    /** Publishes a non-retained document (command results); returns whether the bus accepted it. */
    public boolean publish(String topic, byte[] json, boolean retain, MessageProperties properties) {
        if (topic == null) {
            rejected.incrementAndGet();
            return false;
        }
        String problem = Topics.validateTopicName(topic);
        if (problem != null) {
            rejected.incrementAndGet();
            REJECTED_LOG.warn("Sparkplug projection to '{}' skipped: {}", topic, problem);
            return false;
        }
        PublishOutcome outcome = bus.publish(UnsMessage.of(topic, json, 1, retain, properties, ORIGIN));
        if (outcome instanceof PublishOutcome.Rejected r) {
            rejected.incrementAndGet();
            REJECTED_LOG.warn("Sparkplug projection to '{}' refused by the hub (0x{}): {}", topic,
                    Integer.toHexString(r.reasonCode()), r.reason());
            return false;
        }
        published.incrementAndGet();
        return true;
    }

    /** Documents the bus accepted. */
    public long published() {
        return published.get();
    }

    /** Documents the namespace or the ACL refused, or whose topic could not be built. */
    public long rejected() {
        return rejected.get();
    }
}
