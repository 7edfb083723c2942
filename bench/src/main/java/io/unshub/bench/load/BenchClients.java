package io.unshub.bench.load;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.reactivex.Flowable;
import io.reactivex.processors.FlowableProcessor;
import io.reactivex.processors.UnicastProcessor;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds {@link BenchClient}s on the HiveMQ MQTT client for the MQTT version chosen on the command line: the async
 * API for connecting and subscribing, the reactive API for publishing. Both are tuned so that the generator, not the
 * broker, does as little work per message as the client library allows.
 */
final class BenchClients {

    /**
     * Runs subscription callbacks on the client's Netty thread instead of handing every message to an RxJava
     * computation thread; the callbacks only count and re-arm publishers, and the hand-off cost a noticeable share
     * of the generator's CPU.
     */
    private static final Executor ON_NETWORK_THREAD = Runnable::run;

    private final String host;
    private final int port;
    private final int mqttVersion;
    private final int keepAliveSeconds;
    private final long sessionExpirySeconds;
    private final int nettyThreads;
    private final LongAdder unexpectedDisconnects = new LongAdder();
    private final BooleanSupplier disconnectsExpected;

    /**
     * @param disconnectsExpected tells whether the scenario is tearing down; disconnects before that are counted as
     *                            errors because they mean the broker dropped a client (e.g. for a full queue)
     */
    BenchClients(String host, int port, int mqttVersion, int keepAliveSeconds, BooleanSupplier disconnectsExpected) {
        this(host, port, mqttVersion, keepAliveSeconds, 0, disconnectsExpected);
    }

    /**
     * @param sessionExpirySeconds 0 for clean sessions; more makes every client's session persistent (MQTT 5 session
     *                             expiry, MQTT 3.1.1 clean session off), which a durable broker must write to disk
     */
    BenchClients(String host, int port, int mqttVersion, int keepAliveSeconds, long sessionExpirySeconds,
                 BooleanSupplier disconnectsExpected) {
        if (mqttVersion != 3 && mqttVersion != 5) {
            throw new IllegalArgumentException("MQTT version must be 3 (3.1.1) or 5, not " + mqttVersion);
        }
        this.host = host;
        this.port = port;
        this.mqttVersion = mqttVersion;
        this.keepAliveSeconds = keepAliveSeconds;
        this.sessionExpirySeconds = sessionExpirySeconds;
        // Netty's default of two event loops per core only adds context switches when the generator has one core.
        this.nettyThreads = Runtime.getRuntime().availableProcessors();
        this.disconnectsExpected = disconnectsExpected;
    }

    long unexpectedDisconnects() {
        return unexpectedDisconnects.sum();
    }

    BenchClient create(String clientId) {
        MqttClientBuilder builder = MqttClient.builder()
                .identifier(clientId)
                .serverHost(host)
                .serverPort(port)
                .executorConfig().nettyThreads(nettyThreads).applyExecutorConfig()
                .addDisconnectedListener(context -> {
                    if (!disconnectsExpected.getAsBoolean()) {
                        unexpectedDisconnects.increment();
                    }
                });
        return mqttVersion == 3
                ? new Mqtt3Client(builder.useMqttVersion3().buildAsync(), keepAliveSeconds, sessionExpirySeconds > 0)
                : new Mqtt5Client(builder.useMqttVersion5().buildAsync(), keepAliveSeconds, sessionExpirySeconds);
    }

    private static MqttQos toMqttQos(int qos) {
        MqttQos mqttQos = MqttQos.fromCode(qos);
        if (mqttQos == null) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2, not " + qos);
        }
        return mqttQos;
    }

    /**
     * Feeds messages into one long-lived reactive publish flow. Unlike one async {@code publish} call per message,
     * which completes a future through a scheduler hop per message, the flow reports results in batches.
     */
    private static final class ProcessorPublishStream<P> implements BenchClient.PublishStream {

        private final FlowableProcessor<P> outgoing = UnicastProcessor.<P>create().toSerialized();
        private final Function<byte[], P> toPublish;

        <R> ProcessorPublishStream(Function<byte[], P> toPublish,
                                   Function<Flowable<P>, Flowable<R>> publishFlow,
                                   Function<R, Optional<Throwable>> errorOf,
                                   Runnable onFailure) {
            this.toPublish = toPublish;
            publishFlow.apply(outgoing).subscribe(
                    result -> {
                        if (errorOf.apply(result).isPresent()) {
                            onFailure.run();
                        }
                    },
                    flowError -> onFailure.run());
        }

        @Override
        public void send(byte[] payload) {
            outgoing.onNext(toPublish.apply(payload));
        }

        @Override
        public void close() {
            outgoing.onComplete();
        }
    }

    private record Mqtt3Client(Mqtt3AsyncClient client, int keepAliveSeconds, boolean persistent) implements BenchClient {

        @Override
        public CompletableFuture<?> connect() {
            return client.connectWith().cleanSession(!persistent).keepAlive(keepAliveSeconds).send();
        }

        @Override
        public CompletableFuture<?> subscribe(String topicFilter, int qos, Consumer<ByteBuffer> onPayload) {
            return client.subscribeWith()
                    .topicFilter(topicFilter)
                    .qos(toMqttQos(qos))
                    .callback(publish -> publish.getPayload().ifPresent(onPayload))
                    .executor(ON_NETWORK_THREAD)
                    .send();
        }

        @Override
        public PublishStream openPublishStream(String topic, int qos, Runnable onFailure) {
            Mqtt3Publish template = Mqtt3Publish.builder().topic(topic).qos(toMqttQos(qos)).build();
            return new ProcessorPublishStream<Mqtt3Publish>(
                    payload -> template.extend().payload(payload).build(),
                    client.toRx()::publish,
                    result -> result.getError(),
                    onFailure);
        }

        @Override
        public CompletableFuture<?> disconnect() {
            return client.disconnect();
        }
    }

    private record Mqtt5Client(Mqtt5AsyncClient client, int keepAliveSeconds, long sessionExpirySeconds)
            implements BenchClient {

        @Override
        public CompletableFuture<?> connect() {
            return client.connectWith().cleanStart(true).sessionExpiryInterval(sessionExpirySeconds)
                    .keepAlive(keepAliveSeconds).send();
        }

        @Override
        public CompletableFuture<?> subscribe(String topicFilter, int qos, Consumer<ByteBuffer> onPayload) {
            return client.subscribeWith()
                    .topicFilter(topicFilter)
                    .qos(toMqttQos(qos))
                    .callback(publish -> publish.getPayload().ifPresent(onPayload))
                    .executor(ON_NETWORK_THREAD)
                    .send();
        }

        @Override
        public PublishStream openPublishStream(String topic, int qos, Runnable onFailure) {
            Mqtt5Publish template = Mqtt5Publish.builder().topic(topic).qos(toMqttQos(qos)).build();
            // MQTT 5 reports a refused QoS 1 publish (PUBACK reason code >= 0x80) as a result carrying an error.
            return new ProcessorPublishStream<Mqtt5Publish>(
                    payload -> template.extend().payload(payload).build(),
                    client.toRx()::publish,
                    result -> result.getError(),
                    onFailure);
        }

        @Override
        public CompletableFuture<?> disconnect() {
            return client.disconnect();
        }
    }
}
