package io.unshub.sparkplug.host;

import io.unshub.core.bus.BoundedMailbox;
import io.unshub.core.bus.BusSubscription;
import io.unshub.core.bus.MessageHandler;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.topic.TopicMatcher;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A bus with the {@link UnsBus} contract the host relies on, without the broker (a sibling module): every publish
 * is recorded and offered, in order, to the bounded mailboxes of the matching subscribers ({@code $} topics only
 * to filters that name them).
 */
final class TestBus implements UnsBus {

    final List<UnsMessage> published = new CopyOnWriteArrayList<>();
    private final List<BoundedMailbox> mailboxes = new CopyOnWriteArrayList<>();

    @Override
    public PublishOutcome publish(UnsMessage message) {
        published.add(message);
        int n = 0;
        for (BoundedMailbox box : mailboxes) {
            String filter = box.spec().filter();
            if (message.topic().startsWith("$") && !filter.startsWith("$")) {
                continue;
            }
            if (TopicMatcher.matches(filter, message.topic())) {
                box.offer(message);
                n++;
            }
        }
        return PublishOutcome.Routed.of(n);
    }

    @Override
    public BusSubscription subscribe(SubscriberSpec spec, MessageHandler handler) {
        BoundedMailbox[] self = new BoundedMailbox[1];
        self[0] = new BoundedMailbox(spec, handler, () -> mailboxes.remove(self[0]));
        mailboxes.add(self[0]);
        return self[0];
    }

    /** A message as the edge client {@code clientId} would publish it. */
    void fromClient(String clientId, String topic, byte[] payload) {
        publish(UnsMessage.of(topic, payload, 0, false, MessageProperties.NONE, Origin.client(clientId)));
    }

    /** The will of {@code clientId}. */
    void willOf(String clientId, String topic, byte[] payload) {
        publish(UnsMessage.of(topic, payload, 1, false, MessageProperties.NONE, Origin.will(clientId)));
    }

    List<UnsMessage> on(String topic) {
        return published.stream().filter(m -> m.topic().equals(topic)).toList();
    }
}
