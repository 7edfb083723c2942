package io.unshub.sparkplug.command;

import io.unshub.sparkplug.host.NodeKey;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Which Sparkplug metric a command topic writes to, filled from births. Written on the nodes' serial queues,
 * read by the command router's thread.
 */
public final class CommandIndex {

    /** The metric behind a command topic; {@code device} is {@code ""} for node metrics. */
    public record Target(NodeKey node, String device, String metric) {
    }

    private final ConcurrentHashMap<String, Target> byTopic = new ConcurrentHashMap<>();

    public void register(String commandTopic, NodeKey node, String device, String metric) {
        Target previous = byTopic.put(commandTopic, new Target(node, device, metric));
        if (previous != null && !previous.node().equals(node)) {
            org.slf4j.LoggerFactory.getLogger(CommandIndex.class).warn(
                    "Command topic {} now writes to {} (was {}): two edge nodes map to the same UNS path",
                    commandTopic, node, previous.node());
        }
    }

    /** Forgets the topic if it still belongs to {@code node}. */
    public void unregister(String commandTopic, NodeKey node) {
        byTopic.computeIfPresent(commandTopic, (topic, target) -> target.node().equals(node) ? null : target);
    }

    public Target lookup(String commandTopic) {
        return byTopic.get(commandTopic);
    }

    public int size() {
        return byTopic.size();
    }
}
