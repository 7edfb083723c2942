package io.unshub.opcua.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.core.bus.BusSubscription;
import io.unshub.core.bus.OverflowPolicy;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.UnsMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every message the bus routes under a filter, in order, for assertions. */
public final class BusRecorder implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<UnsMessage> messages = new CopyOnWriteArrayList<>();
    private final BusSubscription subscription;

    public BusRecorder(UnsBus bus, String filter) {
        subscription = bus.subscribe(new SubscriberSpec("test", filter, 100_000, OverflowPolicy.DROP_NEWEST,
                Runnable::run), messages::add);
    }

    public List<UnsMessage> on(String topic) {
        return messages.stream().filter(m -> m.topic().equals(topic)).toList();
    }

    public List<JsonNode> values(String topic) {
        return on(topic).stream().map(m -> json(m.payload())).toList();
    }

    public JsonNode last(String topic) {
        List<JsonNode> all = values(topic);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    public void clear() {
        messages.clear();
    }

    public static JsonNode json(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
