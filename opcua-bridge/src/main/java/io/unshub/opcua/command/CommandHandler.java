package io.unshub.opcua.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unshub.core.bus.BusSubscription;
import io.unshub.core.bus.OverflowPolicy;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.UnsMessage;
import io.unshub.opcua.config.WriteConfig;
import io.unshub.opcua.connection.OpcUaConnection;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Executes the commands of one connection: subscribes on the bus to its mapped {@code _cmd} topics (the
 * broker's ACL has already admitted the publisher), ignores retained messages (a retained command would run
 * again for every restart), writes the value with the configured type and answers with the resulting
 * StatusCode on the MQTT 5 response topic (with the correlation data) or on {@code <topic>/result}. Writes run
 * one at a time on the handler's own thread, so a slow PLC never holds up the bus or the connection's worker.
 */
public final class CommandHandler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpcUaConnection connection;
    private final UnsBus bus;
    private final ExecutorService executor;
    private final List<BusSubscription> subscriptions = new ArrayList<>();

    public CommandHandler(OpcUaConnection connection, UnsBus bus) {
        this.connection = connection;
        this.bus = bus;
        this.executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon()
                .name("opcua-cmd-" + connection.config().name()).factory());
    }

    public void start() {
        for (WriteConfig write : connection.config().writes()) {
            subscriptions.add(bus.subscribe(new SubscriberSpec("opcua-cmd-" + connection.config().name(),
                    write.topic(), 256, OverflowPolicy.DROP_NEWEST, executor), message -> handle(write, message)));
        }
    }

    void handle(WriteConfig write, UnsMessage message) {
        if (message.retain()) {
            LOG.warn("OPC UA connection {}: ignoring a retained command on {} (commands are never retained)",
                    connection.config().name(), message.topic());
            return;
        }
        ObjectNode result = JSON.createObjectNode();
        long code;
        try {
            JsonNode body = JSON.readTree(message.payload());
            JsonNode value = body;
            if (body != null && body.isObject()) {
                if (body.hasNonNull("request_id")) {
                    result.set("request_id", body.get("request_id"));
                }
                value = body.get("value");
                if (body.hasNonNull("expires_ms") && body.get("expires_ms").asLong() < System.currentTimeMillis()) {
                    throw new Refused(StatusCodes.Bad_Timeout, "the command expired before it could be written");
                }
            }
            Variant variant = ValueCoercer.coerce(value, write.dataType());
            code = write(write, variant, result);
        } catch (IOException e) {
            code = refuse(result, StatusCodes.Bad_DecodingError, "the command is not JSON");
        } catch (ValueCoercer.CoercionException e) {
            code = refuse(result, StatusCodes.Bad_TypeMismatch, e.getMessage());
        } catch (Refused e) {
            code = refuse(result, e.code, e.getMessage());
        }
        if (StatusCode.of(code).isGood()) {
            connection.stats().writes.increment();
        } else {
            connection.stats().writeFailures.increment();
        }
        answer(write, message, result, code);
    }

    private long write(WriteConfig write, Variant variant, ObjectNode result) throws Refused {
        OpcUaClient client = connection.client();
        if (client == null) {
            throw new Refused(StatusCodes.Bad_NotConnected, "connection " + connection.config().name() + " is "
                    + connection.state());
        }
        try {
            NodeId node = ExpandedNodeId.parse(write.nodeId()).toNodeIdOrThrow(client.getNamespaceTable());
            StatusCode status = client.writeValues(List.of(node), List.of(DataValue.valueOnly(variant))).get(0);
            if (status.isGood() && write.readBack()) {
                DataValue back;
                try {
                    back = client.readValuesAsync(0, TimestampsToReturn.Neither, List.of(node))
                            .get(write.readBackTimeoutMs(), TimeUnit.MILLISECONDS).get(0);
                } catch (TimeoutException e) {
                    result.put("read_back", "timeout");
                    result.put("error", "the write was accepted but reading the node back took longer than "
                            + write.readBackTimeoutMs() + " ms");
                    return StatusCodes.Bad_Timeout;
                } catch (ExecutionException e) {
                    throw UaException.extract(e).orElseGet(() -> new UaException(StatusCodes.Bad_UnexpectedError,
                            e.getCause().toString()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Refused(StatusCodes.Bad_Shutdown, "interrupted while reading back");
                }
                boolean match = Objects.deepEquals(back.getValue().getValue(), variant.getValue());
                result.put("read_back", match ? "match" : "mismatch");
                if (!match) {
                    result.put("error", "the node reads back " + back.getValue().getValue()
                            + " after the write");
                    return StatusCodes.Bad_UnexpectedError;
                }
            }
            return status.getValue();
        } catch (UaException e) {
            throw new Refused(e.getStatusCode().getValue(), e.getMessage());
        } catch (RuntimeException e) {
            throw new Refused(StatusCodes.Bad_UnexpectedError, e.toString());
        }
    }

    private static long refuse(ObjectNode result, long code, String reason) {
        result.put("error", reason);
        return code;
    }

    private void answer(WriteConfig write, UnsMessage command, ObjectNode result, long code) {
        result.put("status", String.format("0x%08X", code));
        result.put("status_name", OpcUaConnection.statusName(code));
        result.put("quality", io.unshub.opcua.conversion.ValueEncoder.quality(code));
        result.put("timestamp_ms", System.currentTimeMillis());
        String responseTopic = command.properties().responseTopic();
        String topic = responseTopic != null ? responseTopic : write.topic() + "/result";
        MessageProperties properties = responseTopic == null && command.properties().correlationData() == null
                ? MessageProperties.NONE
                : new MessageProperties(true, MessageProperties.NO_EXPIRY, "application/json", null,
                command.properties().correlationData(), List.of());
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(result);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a command result", e);
        }
        var outcome = bus.publish(UnsMessage.of(topic, payload, 1, false, properties, OpcUaConnection.ORIGIN));
        if (!outcome.accepted()) {
            LOG.warn("OPC UA connection {}: the result of a command on {} could not be published on {}: {}",
                    connection.config().name(), write.topic(), topic, outcome);
        }
    }

    @Override
    public void close() {
        subscriptions.forEach(BusSubscription::close);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A command that was not written, with the StatusCode that says why. */
    private static final class Refused extends Exception {
        final long code;

        Refused(long code, String message) {
            super(message);
            this.code = code;
        }
    }
}
