package io.unshub.broker.badinput;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static io.unshub.broker.badinput.Packets.CONTENT_TYPE;
import static io.unshub.broker.badinput.Packets.CORRELATION_DATA;
import static io.unshub.broker.badinput.Packets.MAXIMUM_PACKET_SIZE;
import static io.unshub.broker.badinput.Packets.MESSAGE_EXPIRY_INTERVAL;
import static io.unshub.broker.badinput.Packets.PAYLOAD_FORMAT_INDICATOR;
import static io.unshub.broker.badinput.Packets.PUBACK;
import static io.unshub.broker.badinput.Packets.PUBCOMP;
import static io.unshub.broker.badinput.Packets.PUBLISH;
import static io.unshub.broker.badinput.Packets.PUBREC;
import static io.unshub.broker.badinput.Packets.PUBREL;
import static io.unshub.broker.badinput.Packets.REASON_STRING;
import static io.unshub.broker.badinput.Packets.RECEIVE_MAXIMUM;
import static io.unshub.broker.badinput.Packets.RESPONSE_TOPIC;
import static io.unshub.broker.badinput.Packets.SESSION_EXPIRY_INTERVAL;
import static io.unshub.broker.badinput.Packets.SUBSCRIPTION_IDENTIFIER;
import static io.unshub.broker.badinput.Packets.TOPIC_ALIAS;
import static io.unshub.broker.badinput.Packets.TOPIC_ALIAS_MAXIMUM;
import static io.unshub.broker.badinput.Packets.byteProp;
import static io.unshub.broker.badinput.Packets.fourByteProp;
import static io.unshub.broker.badinput.Packets.props;
import static io.unshub.broker.badinput.Packets.stringProp;
import static io.unshub.broker.badinput.Packets.twoByteProp;
import static io.unshub.broker.badinput.Packets.userProp;
import static io.unshub.broker.badinput.Packets.utf8;
import static io.unshub.broker.badinput.Packets.varIntProp;
import static io.unshub.broker.testing.RawMqttClient.bytes;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static io.unshub.broker.testing.RawMqttClient.packet;
import static io.unshub.broker.testing.RawMqttClient.string;

/**
 * jqwik generators for fuzzing: valid client packets of every kind (topics only under "fuzz/"), and mutations
 * that turn a valid byte stream into a broken one (bit flips, overwritten, inserted, deleted or repeated bytes,
 * truncation).
 */
final class FuzzPackets {

    private FuzzPackets() {
    }

    /**
     * One of {@code perLevel(level)} for each level, picked evenly. (Not {@code flatMap}: jqwik would build a new
     * generator per try, and those inject edge cases at a high rate.)
     */
    static <T> Arbitrary<T> perLevel(List<Integer> levels, java.util.function.Function<Integer, Arbitrary<T>> perLevel) {
        List<Arbitrary<T>> arbitraries = levels.stream().map(perLevel).toList();
        return Arbitraries.oneOf(arbitraries);
    }

    // ------------------------------------------------------------------ valid packets

    private static final List<String> TOPICS = List.of("fuzz/a", "fuzz/b/c", "fuzz/\u00FC/\u20AC", "fuzz/" + "x".repeat(40));
    private static final List<String> FILTERS = List.of("fuzz/#", "fuzz/+/c", "fuzz/a", "$share/g/fuzz/#", "fuzz/+");

    /** A valid CONNECT of {@code level} (3, 4 or 5): maybe a will, user name and password, MQTT 5 properties. */
    static Arbitrary<byte[]> connect(int level, String clientId) {
        Arbitrary<byte[]> properties = Arbitraries.subsetOf(
                        fourByteProp(SESSION_EXPIRY_INTERVAL, 0), twoByteProp(RECEIVE_MAXIMUM, 10),
                        fourByteProp(MAXIMUM_PACKET_SIZE, 100_000), twoByteProp(TOPIC_ALIAS_MAXIMUM, 2),
                        userProp(utf8("k"), utf8("v")))
                .map(FuzzPackets::propertyBlock);
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 2),
                        Arbitraries.of(true, false), Arbitraries.of(true, false), properties)
                .as((will, willQos, user, password, props) -> {
                    int flags = 0x02 | (will ? 0x04 | willQos << 3 : 0) | (user ? 0x80 : 0) | (user && password ? 0x40 : 0);
                    List<byte[]> payload = new ArrayList<>();
                    payload.add(string(clientId));
                    if (will) {
                        if (level == 5) {
                            payload.add(props(byteProp(PAYLOAD_FORMAT_INDICATOR, 1)));
                        }
                        payload.add(string("fuzz/will"));
                        payload.add(string("gone"));
                    }
                    if (user) {
                        payload.add(string("user"));
                        if (password) {
                            payload.add(string("secret"));
                        }
                    }
                    return Packets.connect(level, flags, level == 5 ? props : null, payload.toArray(byte[][]::new));
                });
    }

    /** One valid packet a connected client of {@code level} may send. */
    static Arbitrary<byte[]> anyPacket(int level) {
        return Arbitraries.frequencyOf(
                Tuple.of(6, publish(level)),
                Tuple.of(2, subscribe(level)),
                Tuple.of(1, unsubscribe(level)),
                Tuple.of(2, acknowledgement(level)),
                Tuple.of(1, Arbitraries.just(Packets.pingReq())));
    }

    static Arbitrary<byte[]> publish(int level) {
        Arbitrary<byte[]> properties = Arbitraries.subsetOf(
                        byteProp(PAYLOAD_FORMAT_INDICATOR, 0), fourByteProp(MESSAGE_EXPIRY_INTERVAL, 30),
                        stringProp(CONTENT_TYPE, utf8("text/plain")), stringProp(RESPONSE_TOPIC, utf8("fuzz/reply")),
                        stringProp(CORRELATION_DATA, utf8("42")), userProp(utf8("k"), utf8("v")),
                        twoByteProp(TOPIC_ALIAS, 1))
                .map(FuzzPackets::propertyBlock);
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                        Arbitraries.of(TOPICS), Arbitraries.integers().between(1, 65_535), properties,
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .as((qos, retain, topic, id, props, payload) -> Packets.publish(PUBLISH | qos << 1 | (retain ? 1 : 0),
                        level, utf8(topic), id, props, payload));
    }

    static Arbitrary<byte[]> subscribe(int level) {
        Arbitrary<Integer> options = level == 5
                ? Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(0, 0x04),
                        Arbitraries.of(0, 0x08), Arbitraries.integers().between(0, 2))
                .as((qos, noLocal, retainAsPublished, retainHandling) -> qos | noLocal | retainAsPublished | retainHandling << 4)
                : Arbitraries.integers().between(0, 2);
        Arbitrary<byte[]> properties = Arbitraries.subsetOf(varIntProp(SUBSCRIPTION_IDENTIFIER, 300),
                userProp(utf8("k"), utf8("v"))).map(FuzzPackets::propertyBlock);
        return Combinators.combine(Arbitraries.integers().between(1, 65_535), properties, Arbitraries.of(FILTERS), options)
                .as((id, props, filter, option) -> Packets.subscribe(level, id, props, utf8(filter), option));
    }

    static Arbitrary<byte[]> unsubscribe(int level) {
        return Combinators.combine(Arbitraries.integers().between(1, 65_535), Arbitraries.of(FILTERS))
                .as((id, filter) -> Packets.unsubscribe(level, id, utf8(filter)));
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP; in MQTT 5 maybe with a reason code and a reason string. */
    static Arbitrary<byte[]> acknowledgement(int level) {
        return Combinators.combine(Arbitraries.of(PUBACK, PUBREC, PUBREL, PUBCOMP), Arbitraries.integers().between(1, 65_535),
                        Arbitraries.integers().between(0, 2))
                .as((header, id, extra) -> {
                    byte[] body = bytes(id >>> 8, id);
                    if (level == 5 && extra >= 1) {
                        body = concat(body, bytes(0x00));
                        if (extra == 2) {
                            body = concat(body, props(stringProp(REASON_STRING, utf8("fine"))));
                        }
                    }
                    return packet(header, body);
                });
    }

    private static byte[] propertyBlock(Set<byte[]> properties) {
        return props(properties.toArray(byte[][]::new));
    }

    // ------------------------------------------------------------------ mutations

    enum Kind { FLIP_BIT, SET_BYTE, INSERT, DELETE, TRUNCATE, REPEAT }

    /** One change to a byte stream; positions wrap around the stream's length. */
    record Mutation(Kind kind, int position, int value, byte[] garbage) {

        byte[] apply(byte[] in) {
            if (in.length == 0) {
                return kind == Kind.INSERT ? garbage.clone() : in;
            }
            int at = Math.floorMod(position, in.length);
            int length = 1 + (value & 0x0F);
            byte[] out;
            switch (kind) {
                case FLIP_BIT -> {
                    out = in.clone();
                    out[at] ^= (byte) (1 << (value & 7));
                }
                case SET_BYTE -> {
                    out = in.clone();
                    out[at] = (byte) value;
                }
                case INSERT -> out = concat(Arrays.copyOf(in, at), garbage, Arrays.copyOfRange(in, at, in.length));
                case DELETE -> out = concat(Arrays.copyOf(in, at), Arrays.copyOfRange(in, Math.min(in.length, at + length), in.length));
                case TRUNCATE -> out = Arrays.copyOf(in, at);
                case REPEAT -> {
                    byte[] slice = Arrays.copyOfRange(in, at, Math.min(in.length, at + length));
                    out = concat(Arrays.copyOf(in, at), slice, Arrays.copyOfRange(in, at, in.length));
                }
                default -> throw new IllegalStateException();
            }
            return out;
        }

        @Override
        public String toString() {
            return kind + "@" + position + (kind == Kind.INSERT ? "[" + Packets.hex(garbage) + "]" : "/" + value);
        }
    }

    static Arbitrary<Mutation> mutation() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 10_000),
                        Arbitraries.integers().between(0, 255), Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8))
                .as(Mutation::new);
    }

    static Arbitrary<List<Mutation>> mutations() {
        return mutation().list().ofMinSize(1).ofMaxSize(4);
    }

    static byte[] mutate(byte[] stream, List<Mutation> mutations) {
        byte[] out = stream;
        for (Mutation m : mutations) {
            out = m.apply(out);
        }
        return out;
    }
}
