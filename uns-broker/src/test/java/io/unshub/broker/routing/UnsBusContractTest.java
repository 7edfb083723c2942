package io.unshub.broker.routing;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.core.bus.BusSubscription;
import io.unshub.core.bus.OverflowPolicy;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.SubscriberSpec;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * The {@link UnsBus} contract, against the broker's implementation ({@link Router}): publish outcomes, bounded
 * in-process subscriber queues with counted overflow, ordered one-at-a-time delivery on the subscriber's
 * executor, close, and the bridge between in-process and network clients.
 */
class UnsBusContractTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Origin TEST = Origin.internal("contract-test");

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(UnsMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    private static UnsMessage message(String topic, String payload) {
        return UnsMessage.of(topic, utf8(payload), 1, false, MessageProperties.NONE, TEST);
    }

    /** An executor that only runs what it was given when the test says so: a subscriber that is "busy". */
    static final class ManualExecutor implements Executor {
        private final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        /** Runs queued tasks (and the ones they schedule) until none is left. */
        void runAll() {
            while (true) {
                Runnable task;
                synchronized (this) {
                    task = tasks.poll();
                }
                if (task == null) {
                    return;
                }
                task.run();
            }
        }
    }

    /** Router-level contract, without any network. */
    @Nested
    class InProcess {

        private final BrokerMetrics metrics = new BrokerMetrics();
        private final RetainedStore retained = new RetainedStore();
        private final UnsBus bus = new Router(new SubscriptionTree(), retained, metrics);
        private final List<ExecutorService> executors = new ArrayList<>();

        private ExecutorService executor(ExecutorService executor) {
            executors.add(executor);
            return executor;
        }

        @AfterEach
        void shutdown() {
            executors.forEach(ExecutorService::shutdownNow);
        }

        @ParameterizedTest(name = "topic \"{0}\"")
        @ValueSource(strings = {"", "a/+", "a/#", "+", "#", "a/b\u0000c"})
        @DisplayName("publish returns Rejected(0x90) for an invalid topic name and delivers/retains nothing")
        void invalidTopicRejected(String topic) {
            List<UnsMessage> seen = new CopyOnWriteArrayList<>();
            bus.subscribe(new SubscriberSpec("all", "#", 16, OverflowPolicy.DROP_NEWEST, Runnable::run), seen::add);

            PublishOutcome outcome = bus.publish(UnsMessage.of(topic, utf8("x"), 1, true, MessageProperties.NONE, TEST));

            assertThat(outcome).isInstanceOfSatisfying(PublishOutcome.Rejected.class, rejected -> {
                assertThat(rejected.reasonCode()).isEqualTo(0x90);
                assertThat(rejected.reason()).isNotBlank();
            });
            assertThat(outcome.accepted()).isFalse();
            assertThat(seen).isEmpty();
            assertThat(retained.size()).isZero();
            assertThat(metrics.publishesRejected()).isEqualTo(1);
        }

        @Test
        @DisplayName("publish returns Routed(n) with the number of matching subscribers")
        void routedCountsSubscribers() {
            assertThat(bus.publish(message("r/a", "0"))).isEqualTo(new PublishOutcome.Routed(0));
            bus.subscribe(new SubscriberSpec("one", "r/#", 16, OverflowPolicy.DROP_NEWEST, Runnable::run), m -> { });
            assertThat(bus.publish(message("r/a", "1"))).isEqualTo(new PublishOutcome.Routed(1));
            bus.subscribe(new SubscriberSpec("two", "r/+", 16, OverflowPolicy.DROP_NEWEST, Runnable::run), m -> { });
            bus.subscribe(new SubscriberSpec("other", "s/#", 16, OverflowPolicy.DROP_NEWEST, Runnable::run), m -> { });
            PublishOutcome outcome = bus.publish(message("r/a", "2"));
            assertThat(outcome).isEqualTo(new PublishOutcome.Routed(2));
            assertThat(outcome.accepted()).isTrue();
        }

        @ParameterizedTest(name = "filter \"{0}\"")
        @ValueSource(strings = {"", "a/#/b", "a+", "a/b#", "$share/g", "$share/g+/x"})
        @DisplayName("subscribe throws IllegalArgumentException for an invalid filter")
        void invalidFilterRefused(String filter) {
            assertThatThrownBy(() -> bus.subscribe(new SubscriberSpec("bad", filter, 4, OverflowPolicy.DROP_NEWEST,
                    Runnable::run), m -> { })).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("messages are handed over in order, on the executor the subscriber chose")
        void orderedOnChosenExecutor() {
            ExecutorService executor = executor(Executors.newSingleThreadExecutor(r -> new Thread(r, "bus-contract-exec")));
            List<String> threads = new CopyOnWriteArrayList<>();
            List<String> payloads = new CopyOnWriteArrayList<>();
            bus.subscribe(new SubscriberSpec("ordered", "o/t", 1_000, OverflowPolicy.DROP_NEWEST, executor), m -> {
                threads.add(Thread.currentThread().getName());
                payloads.add(text(m));
            });
            for (int i = 0; i < 500; i++) {
                bus.publish(message("o/t", "m" + i));
            }
            await().atMost(WAIT).until(() -> payloads.size() == 500);
            assertThat(payloads).isEqualTo(java.util.stream.IntStream.range(0, 500).mapToObj(i -> "m" + i).toList());
            assertThat(threads).containsOnly("bus-contract-exec");
        }

        @Test
        @DisplayName("on a multi-threaded executor the handler still runs one message at a time, in order")
        void oneAtATimeOnPool() throws Exception {
            ExecutorService pool = executor(Executors.newFixedThreadPool(4));
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            List<String> payloads = new CopyOnWriteArrayList<>();
            BusSubscription subscription = bus.subscribe(new SubscriberSpec("serial", "p/#", 10_000,
                    OverflowPolicy.DROP_NEWEST, pool), m -> {
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        payloads.add(text(m));
                        Thread.onSpinWait();
                        running.decrementAndGet();
                    });
            List<Thread> publishers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int publisher = t;
                publishers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        bus.publish(message("p/" + publisher, publisher + ":" + i));
                    }
                }));
            }
            for (Thread publisher : publishers) {
                publisher.join();
            }
            await().atMost(WAIT).until(() -> payloads.size() == 3_000);
            assertThat(maxRunning.get()).isEqualTo(1);
            assertThat(subscription.delivered()).isEqualTo(3_000);
            for (int t = 0; t < 3; t++) {
                String prefix = t + ":";
                List<String> fromOne = payloads.stream().filter(p -> p.startsWith(prefix)).toList();
                assertThat(fromOne).as("per-publisher order").isEqualTo(
                        java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> prefix + i).toList());
            }
        }

        @Test
        @DisplayName("bounded queue, DROP_NEWEST: arrivals beyond the capacity are dropped and counted")
        void dropNewest() {
            ManualExecutor busy = new ManualExecutor();
            List<String> handled = new ArrayList<>();
            BusSubscription subscription = bus.subscribe(new SubscriberSpec("newest", "d/t", 3,
                    OverflowPolicy.DROP_NEWEST, busy), m -> handled.add(text(m)));
            for (int i = 0; i < 5; i++) {
                bus.publish(message("d/t", "m" + i));
            }
            assertThat(subscription.queued()).isEqualTo(3);
            assertThat(subscription.dropped()).isEqualTo(2);
            assertThat(metrics.droppedCount(BrokerMetrics.DropReason.INTERNAL_OVERFLOW)).isEqualTo(2);

            busy.runAll();
            assertThat(handled).containsExactly("m0", "m1", "m2");
            assertThat(subscription.delivered()).isEqualTo(3);
            assertThat(subscription.queued()).isZero();
        }

        @Test
        @DisplayName("bounded queue, DROP_OLDEST: the oldest queued messages make room and are counted")
        void dropOldest() {
            ManualExecutor busy = new ManualExecutor();
            List<String> handled = new ArrayList<>();
            BusSubscription subscription = bus.subscribe(new SubscriberSpec("oldest", "d/t", 3,
                    OverflowPolicy.DROP_OLDEST, busy), m -> handled.add(text(m)));
            for (int i = 0; i < 5; i++) {
                bus.publish(message("d/t", "m" + i));
            }
            assertThat(subscription.queued()).isEqualTo(3);
            assertThat(subscription.dropped()).isEqualTo(2);

            busy.runAll();
            assertThat(handled).containsExactly("m2", "m3", "m4");
            assertThat(subscription.delivered()).isEqualTo(3);
        }

        @Test
        @DisplayName("a slow subscriber never blocks publish")
        void slowSubscriberDoesNotBlockPublish() throws Exception {
            ExecutorService executor = executor(Executors.newSingleThreadExecutor());
            CountDownLatch release = new CountDownLatch(1);
            BusSubscription subscription = bus.subscribe(new SubscriberSpec("stuck", "s/t", 10,
                    OverflowPolicy.DROP_NEWEST, executor), m -> {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
            assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
                for (int i = 0; i < 10_000; i++) {
                    assertThat(bus.publish(message("s/t", "m" + i)).accepted()).isTrue();
                }
            });
            assertThat(subscription.dropped()).isGreaterThanOrEqualTo(10_000 - 11);
            release.countDown();
            await().atMost(WAIT).until(() -> subscription.queued() == 0);
        }

        @Test
        @DisplayName("close stops delivery: queued messages are discarded and later ones are not routed to it")
        void closeStopsDelivery() {
            ManualExecutor busy = new ManualExecutor();
            List<String> handled = new ArrayList<>();
            BusSubscription subscription = bus.subscribe(new SubscriberSpec("closing", "c/t", 10,
                    OverflowPolicy.DROP_NEWEST, busy), m -> handled.add(text(m)));
            bus.publish(message("c/t", "queued-1"));
            bus.publish(message("c/t", "queued-2"));
            subscription.close();
            busy.runAll();
            assertThat(handled).isEmpty();

            assertThat(bus.publish(message("c/t", "after"))).isEqualTo(new PublishOutcome.Routed(0));
            busy.runAll();
            assertThat(handled).isEmpty();
            subscription.close(); // idempotent
        }

        @Test
        @DisplayName("a handler that throws does not stop delivery of the next messages")
        void handlerFailureIsContained() {
            List<String> handled = new ArrayList<>();
            bus.subscribe(new SubscriberSpec("fragile", "f/t", 10, OverflowPolicy.DROP_NEWEST, Runnable::run), m -> {
                if (text(m).equals("boom")) {
                    throw new IllegalStateException("handler failure on purpose");
                }
                handled.add(text(m));
            });
            bus.publish(message("f/t", "before"));
            bus.publish(message("f/t", "boom"));
            bus.publish(message("f/t", "after"));
            assertThat(handled).containsExactly("before", "after");
        }

        @Test
        @DisplayName("an empty retained message clears the retained topic and is still delivered to current subscribers")
        void emptyRetainedClearsAndIsDelivered() {
            List<UnsMessage> handled = new ArrayList<>();
            bus.subscribe(new SubscriberSpec("ret", "ret/#", 10, OverflowPolicy.DROP_NEWEST, Runnable::run), handled::add);
            bus.publish(UnsMessage.of("ret/t", utf8("value"), 1, true, MessageProperties.NONE, TEST));
            assertThat(retained.get("ret/t")).isNotNull();
            bus.publish(UnsMessage.of("ret/t", new byte[0], 1, true, MessageProperties.NONE, TEST));
            assertThat(retained.get("ret/t")).isNull();
            assertThat(handled).hasSize(2);
            assertThat(handled.get(1).payload()).isEmpty();
            assertThat(handled.get(1).retain()).isTrue();
        }

        @Test
        @DisplayName("in-process subscribers get the published QoS and no retained replay on subscribe")
        void publishedQosNoRetainedReplay() {
            bus.publish(UnsMessage.of("q/t", utf8("retained"), 2, true, MessageProperties.NONE, TEST));
            List<UnsMessage> handled = new ArrayList<>();
            bus.subscribe(new SubscriberSpec("qos", "q/#", 10, OverflowPolicy.DROP_NEWEST, Runnable::run), handled::add);
            assertThat(handled).as("no retained replay").isEmpty();
            for (int qos = 0; qos <= 2; qos++) {
                bus.publish(UnsMessage.of("q/t", utf8("q" + qos), qos, false, MessageProperties.NONE, TEST));
            }
            assertThat(handled).extracting(UnsMessage::qos).containsExactly(0, 1, 2);
        }

        @Test
        @DisplayName("a shared filter ($share/...) is a valid filter: subscribe refuses it or it works, and publish never throws")
        void sharedFilterInProcess() {
            List<String> handled = new ArrayList<>();
            try {
                bus.subscribe(new SubscriberSpec("workers", "$share/workers/jobs/#", 10, OverflowPolicy.DROP_NEWEST,
                        Runnable::run), m -> handled.add(text(m)));
            } catch (IllegalArgumentException refusedUpFront) {
                return; // the contract allows refusing it at subscribe time
            }
            PublishOutcome outcome = assertDoesNotThrow(() -> bus.publish(message("jobs/1", "job")));
            assertThat(outcome.accepted()).isTrue();
            assertThat(handled).containsExactly("job");
        }

        @Test
        @DisplayName("[MQTT-4.7.2-1] '$' topics reach in-process subscribers only through filters that name them")
        void dollarTopics() {
            List<String> all = new ArrayList<>();
            List<String> sys = new ArrayList<>();
            bus.subscribe(new SubscriberSpec("all", "#", 10, OverflowPolicy.DROP_NEWEST, Runnable::run), m -> all.add(m.topic()));
            bus.subscribe(new SubscriberSpec("sys", "$SYS/#", 10, OverflowPolicy.DROP_NEWEST, Runnable::run), m -> sys.add(m.topic()));
            bus.publish(message("$SYS/x", "s"));
            bus.publish(message("plain", "p"));
            assertThat(all).containsExactly("plain");
            assertThat(sys).containsExactly("$SYS/x");
        }
    }

    /** The bus of a running broker, bridging in-process components and network clients. */
    @Nested
    @ExtendWith(NoLeaks.class)
    class WithNetwork {

        @RegisterExtension
        final BrokerFixture fixture = new BrokerFixture();
        @RegisterExtension
        final MqttClients clients = new MqttClients(fixture);

        @Test
        @DisplayName("an in-process publish reaches network subscribers, with its properties")
        void inProcessToNetwork() throws Exception {
            Mqtt5BlockingClient subscriber = clients.connectedV5("bus-net-sub");
            var publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
            subscriber.subscribeWith().topicFilter("bus/out/#").qos(MqttQos.EXACTLY_ONCE).send();

            MessageProperties properties = new MessageProperties(true, 60, "text/plain", "bus/reply", utf8("c1"),
                    List.of(new UserProperty("k", "1"), new UserProperty("k", "2")));
            PublishOutcome outcome = fixture.broker().bus().publish(UnsMessage.of("bus/out/a", utf8("from inside"), 1,
                    false, properties, TEST));
            assertThat(outcome).isEqualTo(new PublishOutcome.Routed(1));

            Optional<Mqtt5Publish> received = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(received).isPresent();
            Mqtt5Publish publish = received.get();
            assertThat(publish.getTopic().toString()).isEqualTo("bus/out/a");
            assertThat(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("from inside");
            assertThat(publish.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            assertThat(publish.getContentType().map(Object::toString)).hasValue("text/plain");
            assertThat(publish.getResponseTopic().map(Object::toString)).hasValue("bus/reply");
            assertThat(publish.getUserProperties().asList()).extracting(p -> p.getName() + "=" + p.getValue())
                    .containsExactly("k=1", "k=2");
        }

        @Test
        @DisplayName("a network publisher is not disconnected because an in-process component subscribed with a shared filter")
        void networkPublishWithInProcessSharedSubscriber() {
            try {
                fixture.broker().bus().subscribe(new SubscriberSpec("workers", "$share/workers/jobs/#", 10,
                        OverflowPolicy.DROP_NEWEST, Runnable::run), m -> { });
            } catch (IllegalArgumentException refusedUpFront) {
                return; // the contract allows refusing it at subscribe time
            }
            Mqtt5BlockingClient publisher = clients.connectedV5("bus-shared-pub");
            var result = publisher.toAsync().publishWith().topic("jobs/1").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(utf8("job")).send();
            assertThat(result).succeedsWithin(WAIT);
            assertThat(publisher.getState().isConnected()).isTrue();
            assertThat(fixture.broker().connection("bus-shared-pub")).isPresent();
        }

        @Test
        @DisplayName("a network publish reaches in-process subscribers, with origin and properties")
        void networkToInProcess() throws Exception {
            BlockingQueue<UnsMessage> handled = new LinkedBlockingQueue<>();
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try (BusSubscription subscription = fixture.broker().bus().subscribe(
                    new SubscriberSpec("bridge-test", "bus/in/#", 100, OverflowPolicy.DROP_NEWEST, executor), handled::add)) {
                clients.connectedV5("bus-net-pub").publishWith().topic("bus/in/x").qos(MqttQos.EXACTLY_ONCE)
                        .payload(utf8("from outside")).contentType("text/plain")
                        .userProperties().add("b", "2").add("a", "1").applyUserProperties().send();

                UnsMessage message = handled.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(message).isNotNull();
                assertThat(message.topic()).isEqualTo("bus/in/x");
                assertThat(text(message)).isEqualTo("from outside");
                assertThat(message.qos()).isEqualTo(2);
                assertThat(message.origin()).isEqualTo(Origin.client("bus-net-pub"));
                assertThat(message.properties().contentType()).isEqualTo("text/plain");
                assertThat(message.properties().userProperties())
                        .containsExactly(new UserProperty("b", "2"), new UserProperty("a", "1"));
                assertThat(subscription.delivered()).isEqualTo(1);
            } finally {
                executor.shutdownNow();
            }
        }
    }
}
