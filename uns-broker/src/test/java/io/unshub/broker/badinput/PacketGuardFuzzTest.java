package io.unshub.broker.badinput;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.ReferenceCountUtil;
import io.unshub.broker.testing.LeakRecorder;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.transport.MqttPacketGuard;
import io.unshub.broker.transport.ProtocolViolation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;

import static io.unshub.broker.badinput.Packets.hex;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds garbage, truncated and mutated byte streams, cut into random chunks, through the inbound half of the broker's
 * pipeline ({@link MqttPacketGuard}, then Netty's {@link MqttDecoder}) in an {@link EmbeddedChannel}, with a sink
 * that handles violations like the connection handler does (closes the channel). For every input: no exception
 * escapes; whatever reaches the sink honours what the guard promises (CONNECT first and once, no wildcard or
 * U+0000 in PUBLISH topics, QoS below 3, no DUP at QoS 0, non-zero packet identifiers, only client packet types);
 * nothing arrives after a rejection; the channel is closed exactly when something was rejected; and every buffer
 * allocated along the way is released (checked per input by a counting allocator, and by Netty's paranoid leak
 * detector for the whole class).
 *
 * <p>jqwik does not run JUnit Jupiter extensions (and warns about their annotations), so instead of
 * {@code @ExtendWith(NoLeaks.class)} the container lifecycle methods clear the leak record and assert it is empty.
 */
class PacketGuardFuzzTest {

    private static final int MAX_PACKET_SIZE = 512;

    @BeforeContainer
    static void clearLeaks() {
        LeakRecorder.clear();
    }

    @AfterContainer
    static void noLeaks() {
        NoLeaks.assertNoLeaks(PacketGuardFuzzTest.class.getSimpleName());
    }

    /** A byte stream and how to cut it into reads. */
    record Input(int level, byte[] stream, List<Integer> chunks, String origin) {
        @Override
        public String toString() {
            return "level " + level + ", " + origin + ", chunks " + chunks + "\n  bytes: " + hex(stream);
        }
    }

    @Provide
    Arbitrary<Input> mutatedStreams() {
        // Mostly the packets after an intact CONNECT are mutated; a quarter of the time the CONNECT too.
        return FuzzPackets.perLevel(List.of(3, 4, 5), level -> Combinators.combine(
                        FuzzPackets.connect(level, "c" + level), FuzzPackets.anyPacket(level).list().ofMinSize(1).ofMaxSize(6),
                        FuzzPackets.mutations(), chunks(),
                        Arbitraries.frequency(Tuple.of(1, true), Tuple.of(3, false)))
                .as((connect, packets, mutations, chunks, wholeStream) -> {
                    byte[] after = concat(packets.toArray(byte[][]::new));
                    byte[] stream = wholeStream ? FuzzPackets.mutate(concat(connect, after), mutations)
                            : concat(connect, FuzzPackets.mutate(after, mutations));
                    return new Input(level, stream, chunks,
                            (wholeStream ? "mutations of the whole stream " : "mutations after CONNECT ") + mutations);
                }));
    }

    @Provide
    Arbitrary<Input> garbage() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        return Combinators.combine(Arbitraries.of(0, 4, 5), noise, chunks())
                .as((level, bytes, chunks) -> new Input(level,
                        level == 0 ? bytes : concat(Packets.connect(level, "g"), bytes), chunks,
                        level == 0 ? "random bytes" : "CONNECT then random bytes"));
    }

    @Provide
    Arbitrary<Input> validStreams() {
        return FuzzPackets.perLevel(List.of(3, 4, 5), level -> Combinators.combine(
                        FuzzPackets.connect(level, "v" + level), FuzzPackets.anyPacket(level).list().ofMaxSize(8), chunks())
                .as((connect, packets, chunks) -> new Input(level, concat(connect, concat(packets.toArray(byte[][]::new))),
                        chunks, (packets.size() + 1) + " valid packets")));
    }

    private static Arbitrary<List<Integer>> chunks() {
        return Arbitraries.integers().between(1, 48).list().ofMaxSize(12);
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void mutatedPacketStreamsAreRejectedCleanly(@ForAll("mutatedStreams") Input input) {
        collect(run(input));
    }

    @Property(tries = 500)
    void randomBytesAreRejectedCleanly(@ForAll("garbage") Input input) {
        collect(run(input));
    }

    /** Which check stopped the input, so the report shows the fuzzing reaches past the first bytes. */
    private static void collect(Outcome outcome) {
        String stoppedBy = outcome.rejections.isEmpty() ? "nothing (still open)"
                : outcome.rejections.get(0).startsWith("decoder") ? "MqttDecoder"
                : "guard " + outcome.rejections.get(0).substring(0, 4);
        Statistics.label("stopped by").collect(stoppedBy);
        Statistics.label("packets passed before").collect(Math.min(outcome.types.size(), 3) + (outcome.types.size() >= 3 ? "+" : ""));
    }

    /** Control: valid streams, however they are cut, pass whole and in order; nothing is rejected. */
    @Property(tries = 300)
    void validStreamsPassThroughWhole(@ForAll("validStreams") Input input) {
        Outcome outcome = run(input);
        assertThat(outcome.rejections).as("rejections of %s", input).isEmpty();
        assertThat(outcome.open).isTrue();
        assertThat(outcome.types).as("decoded packets").hasSize(countPackets(input.stream()));
        assertThat(outcome.types.get(0)).isEqualTo(MqttMessageType.CONNECT);
    }

    private record Outcome(boolean open, List<String> rejections, List<MqttMessageType> types) {
    }

    private static Outcome run(Input input) {
        CountingAllocator allocator = new CountingAllocator();
        Sink sink = new Sink();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast("guard", new MqttPacketGuard(MAX_PACKET_SIZE));
        channel.pipeline().addLast("decoder", new MqttDecoder(MAX_PACKET_SIZE, 256));
        channel.pipeline().addLast("sink", sink);

        byte[] stream = input.stream();
        int offset = 0;
        int chunk = 0;
        while (offset < stream.length && channel.isOpen()) {
            int size = chunk < input.chunks().size() ? input.chunks().get(chunk++) : stream.length - offset;
            size = Math.min(size, stream.length - offset);
            ByteBuf buf = allocator.heapBuffer(size);
            buf.writeBytes(stream, offset, size);
            offset += size;
            channel.writeInbound(buf);
        }
        boolean open = channel.isOpen();
        channel.checkException();
        channel.finishAndReleaseAll();

        assertThat(sink.errors).as("broken promises for %s", input).isEmpty();
        assertThat(open).as("channel open (rejections: %s) for %s", sink.rejections, input)
                .isEqualTo(sink.rejections.isEmpty());
        assertThat(allocator.unreleased()).as("buffers not released for %s", input).isEmpty();
        return new Outcome(open, sink.rejections, sink.types);
    }

    /** Counts the packets of a valid stream by walking the fixed headers. */
    private static int countPackets(byte[] stream) {
        int count = 0;
        int i = 0;
        while (i < stream.length) {
            int remaining = 0;
            int multiplier = 1;
            int j = i + 1;
            int digit;
            do {
                digit = stream[j++] & 0xFF;
                remaining += (digit & 0x7F) * multiplier;
                multiplier *= 128;
            } while ((digit & 0x80) != 0);
            i = j + remaining;
            count++;
        }
        return count;
    }

    /** What the connection handler would see; records anything the guard should have stopped. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        final List<String> errors = new ArrayList<>();
        final List<String> rejections = new ArrayList<>();
        final List<MqttMessageType> types = new ArrayList<>();
        private boolean closing;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (closing) {
                    errors.add("message after the channel was closed: " + msg);
                    return;
                }
                if (msg instanceof ProtocolViolation violation) {
                    rejections.add(String.format("0x%02X %s", violation.reasonCode(), violation.detail()));
                    close(ctx);
                } else if (msg instanceof MqttMessage message) {
                    if (message.decoderResult().isFailure()) {
                        rejections.add("decoder: " + message.decoderResult().cause());
                        close(ctx);
                    } else {
                        check(message);
                    }
                } else {
                    errors.add("unexpected message " + msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void close(ChannelHandlerContext ctx) {
            closing = true;
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add("exception escaped: " + cause);
        }

        private void check(MqttMessage message) {
            MqttMessageType type = message.fixedHeader().messageType();
            if (types.isEmpty() != (type == MqttMessageType.CONNECT)) {
                errors.add(type + " as packet " + (types.size() + 1) + " [MQTT-3.1.0-1] [MQTT-3.1.0-2]");
            }
            types.add(type);
            switch (type) {
                case CONNECT -> {
                    MqttConnectMessage connect = (MqttConnectMessage) message;
                    noNul("client id", connect.payload().clientIdentifier());
                    noNul("will topic", connect.payload().willTopic());
                    noNul("user name", connect.payload().userName());
                }
                case PUBLISH -> {
                    MqttPublishMessage publish = (MqttPublishMessage) message;
                    String topic = publish.variableHeader().topicName();
                    MqttQoS qos = publish.fixedHeader().qosLevel();
                    if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
                        errors.add("wildcard in PUBLISH topic " + topic + " [MQTT-3.3.2-2]");
                    }
                    noNul("topic", topic);
                    if (qos == MqttQoS.FAILURE) {
                        errors.add("PUBLISH with QoS 3 [MQTT-3.3.1-4]");
                    }
                    if (qos == MqttQoS.AT_MOST_ONCE && publish.fixedHeader().isDup()) {
                        errors.add("PUBLISH QoS 0 with DUP [MQTT-3.3.1-2]");
                    }
                    if (qos.value() > 0 && publish.variableHeader().packetId() == 0) {
                        errors.add("PUBLISH with packet identifier 0 [MQTT-2.2.1-3]");
                    }
                }
                case SUBSCRIBE -> {
                    MqttSubscribeMessage subscribe = (MqttSubscribeMessage) message;
                    nonZeroId(subscribe.idAndPropertiesVariableHeader().messageId(), type);
                    List<MqttTopicSubscription> filters = subscribe.payload().topicSubscriptions();
                    if (filters.isEmpty()) {
                        errors.add("SUBSCRIBE without topic filters [MQTT-3.8.3-2]");
                    }
                    filters.forEach(f -> noNul("topic filter", f.topicFilter()));
                }
                case UNSUBSCRIBE -> {
                    MqttUnsubscribeMessage unsubscribe = (MqttUnsubscribeMessage) message;
                    nonZeroId(unsubscribe.idAndPropertiesVariableHeader().messageId(), type);
                    if (unsubscribe.payload().topics().isEmpty()) {
                        errors.add("UNSUBSCRIBE without topic filters [MQTT-3.10.3-2]");
                    }
                    unsubscribe.payload().topics().forEach(t -> noNul("topic filter", t));
                }
                case PUBACK, PUBREC, PUBREL, PUBCOMP ->
                        nonZeroId(((MqttMessageIdVariableHeader) message.variableHeader()).messageId(), type);
                case PINGREQ, DISCONNECT, AUTH -> {
                }
                default -> errors.add(type + " is not sent by clients");
            }
        }

        private void noNul(String what, String value) {
            if (value != null && value.indexOf('\u0000') >= 0) {
                errors.add("U+0000 in " + what + " [MQTT-1.5.4-2]");
            }
        }

        private void nonZeroId(int id, MqttMessageType type) {
            if (id == 0) {
                errors.add(type + " with packet identifier 0 [MQTT-2.2.1-3]");
            }
        }
    }

    /** Allocates unpooled heap buffers (leak-aware, like any allocator) and remembers them all. */
    private static final class CountingAllocator extends AbstractByteBufAllocator {
        private final List<ByteBuf> allocated = new ArrayList<>();

        CountingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            allocated.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        List<String> unreleased() {
            return allocated.stream().filter(b -> b.refCnt() != 0)
                    .map(b -> b + " refCnt " + b.refCnt()).toList();
        }
    }
}
