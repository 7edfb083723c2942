package io.unshub.broker.persistence;

import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static io.unshub.broker.persistence.StoreTestData.assertSameMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class MessageCodecTest {

    private static final long MAX_EXPIRY = 0xFFFF_FFFFL;

    @Property(tries = 500)
    void roundTripIsExactWithTheSameClocks(@ForAll("messages") UnsMessage message,
                                           @ForAll @LongRange(min = 0, max = 4_102_444_800_000L) long nowMillis,
                                           @ForAll long nowNanos,
                                           @ForAll @LongRange(min = 0, max = 1_000_000_000_000_000L) long ageNanos) {
        UnsMessage received = withReceivedAtNanos(message, nowNanos - ageNanos);

        byte[] encoded = MessageCodec.encode(received, nowMillis, nowNanos);
        UnsMessage decoded = MessageCodec.decode(encoded, nowMillis, nowNanos);

        assertSameMessage(decoded, received, true);
        assertThat(decoded.remainingExpirySeconds(nowNanos)).isEqualTo(received.remainingExpirySeconds(nowNanos));
    }

    @Property(tries = 500)
    void remainingExpiryCountsTheTimeTheHubWasDown(@ForAll @LongRange(min = 0, max = MAX_EXPIRY) long expirySeconds,
                                                   @ForAll @LongRange(min = 0, max = 10_000_000_000_000L) long ageAtStoreNanos,
                                                   @ForAll @LongRange(min = 0, max = 10_000_000_000L) long downMillis,
                                                   @ForAll long nanosBefore, @ForAll long nanosAfter) {
        long wallAtStore = 1_750_000_000_000L;
        UnsMessage message = withReceivedAtNanos(StoreTestData.expiring("a/b", "x", expirySeconds),
                nanosBefore - ageAtStoreNanos);

        byte[] encoded = MessageCodec.encode(message, wallAtStore, nanosBefore);
        // Another JVM: its nanoTime has an unrelated origin.
        UnsMessage decoded = MessageCodec.decode(encoded, wallAtStore + downMillis, nanosAfter);

        long ageNanos = ageAtStoreNanos + downMillis * 1_000_000L;
        assertThat(decoded.remainingExpirySeconds(nanosAfter)).isEqualTo(expirySeconds - ageNanos / 1_000_000_000L);
        assertThat(decoded.isExpired(nanosAfter)).isEqualTo(expirySeconds - ageNanos / 1_000_000_000L <= 0);
    }

    @Property(tries = 200)
    void aClockSteppedBackBehindTheReceiptCountsAsNoTimePassed(
            @ForAll @LongRange(min = 1, max = MAX_EXPIRY) long expirySeconds,
            @ForAll @LongRange(min = 0, max = 3_600_000_000_000L) long ageAtStoreNanos,
            @ForAll @LongRange(min = 0, max = 86_400_000L) long stepBackBeyondReceiptMillis,
            @ForAll long nanosAfter) {
        long wallAtStore = 1_750_000_000_000L;
        UnsMessage message = withReceivedAtNanos(StoreTestData.expiring("a/b", "x", expirySeconds), -ageAtStoreNanos);
        byte[] encoded = MessageCodec.encode(message, wallAtStore, 0);

        long receiptMillis = wallAtStore - ageAtStoreNanos / 1_000_000L - 1;
        UnsMessage decoded = MessageCodec.decode(encoded, receiptMillis - stepBackBeyondReceiptMillis, nanosAfter);

        assertThat(decoded.remainingExpirySeconds(nanosAfter)).isEqualTo(expirySeconds);
    }

    @Property(tries = 300)
    void everyStrictPrefixIsRejectedCleanly(@ForAll("messages") UnsMessage message) {
        byte[] encoded = MessageCodec.encode(message);
        for (int length = 0; length < encoded.length; length++) {
            if (length > 200 && length < encoded.length - 200) {
                continue; // the head and the tail of large payloads are what can go wrong
            }
            byte[] prefix = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> MessageCodec.decode(prefix)).isInstanceOf(StoreFormatException.class);
        }
    }

    @Property(tries = 1000)
    void damagedBytesDecodeOrFailWithAFormatError(@ForAll("messages") UnsMessage message,
                                                  @ForAll @IntRange(min = 0, max = 10_000) int position,
                                                  @ForAll byte replacement) {
        byte[] encoded = MessageCodec.encode(message);
        encoded[position % encoded.length] = replacement;
        Throwable thrown = catchThrowable(() -> MessageCodec.decode(encoded));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(StoreFormatException.class);
        }
    }

    @Property(tries = 500)
    void everyStringRoundTripsAndWellFormedOnesAreUtf8(@ForAll("anyString") String s) {
        BinaryWriter out = new BinaryWriter(4);
        out.writeString(s);
        byte[] bytes = out.toByteArray();
        BinaryReader in = new BinaryReader(bytes);
        assertThat(in.readString()).isEqualTo(s);
        in.expectEnd("string");
        if (StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
            BinaryWriter tail = new BinaryWriter(4);
            tail.writeStringTail(s);
            assertThat(tail.toByteArray()).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Property(tries = 500)
    void clientKeysOfDifferentClientsNeverPrefixEachOther(@ForAll("anyString") String a, @ForAll("anyString") String b) {
        if (a.equals(b)) {
            return;
        }
        byte[] keyA = Keys.queued(a, 7);
        byte[] clientB = Keys.client(b);
        assertThat(Keys.startsWith(keyA, clientB)).isFalse();
        assertThat(Arrays.compareUnsigned(keyA, clientB) >= 0
                && Arrays.compareUnsigned(keyA, Keys.prefixEnd(clientB)) < 0).isFalse();
    }

    @Property(tries = 300)
    void queueKeysSortBySequence(@ForAll("anyString") String client,
                                 @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long s1,
                                 @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long s2) {
        int order = Integer.signum(Arrays.compareUnsigned(Keys.queued(client, s1), Keys.queued(client, s2)));
        assertThat(order).isEqualTo(Long.signum(Long.compare(s1, s2)));
    }

    /** Version 1 bytes are pinned: a data directory written today must read the same after any change. */
    @Example
    void version1LayoutIsStable() {
        UnsMessage message = new UnsMessage("a/b", new byte[] {42}, 1, true,
                new MessageProperties(true, 60, "t", null, null, List.of(new UserProperty("k", "v"))),
                new Origin(Origin.Kind.CLIENT, "c", "u", Set.of("r")), 1000, 5_000_000);

        byte[] encoded = MessageCodec.encode(message, 1001, 6_000_000);

        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(
                "01" + "3d" + "1c" // version; QoS 1, retain, UTF-8, expires, content type; client, username, roles, user props
                        + "03612f62" + "d00f" + "00" // topic "a/b", receivedAtMillis 1000, receive instant - 1000 ms = 0
                        + "78" + "0174" // expiry 60 (zigzag 120), content type "t"
                        + "01016b0176" // one user property k=v
                        + "0163" + "0175" + "010172" // origin id "c", username "u", roles {"r"}
                        + "012a"); // payload {42}
        assertSameMessage(MessageCodec.decode(encoded, 1001, 6_000_000), message, true);
    }

    @Example
    void anUnknownVersionIsRefused() {
        byte[] encoded = MessageCodec.encode(StoreTestData.message("a", "b"));
        encoded[0] = 2;
        assertThatThrownBy(() -> MessageCodec.decode(encoded))
                .isInstanceOf(StoreFormatException.class)
                .hasMessageContaining("version 2");
    }

    @Example
    void aMessageWithoutPropertiesDecodesToTheSharedNoneInstance() {
        UnsMessage decoded = MessageCodec.decode(MessageCodec.encode(StoreTestData.message("a", "b")));
        assertThat(decoded.properties()).isSameAs(MessageProperties.NONE);
    }

    // ---------------------------------------------------------------- generators

    private static UnsMessage withReceivedAtNanos(UnsMessage m, long nanos) {
        return new UnsMessage(m.topic(), m.payload(), m.qos(), m.retain(), m.properties(), m.origin(),
                m.receivedAtMillis(), nanos);
    }

    @Provide
    Arbitrary<String> anyString() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(24), // every char, lone surrogates included
                Arbitraries.strings().withCharRange('a', 'e').withChars('/', '+', '#', '\u00e9', '\u20ac').ofMaxLength(12),
                Arbitraries.of("", "a", "ab", "\ud83d\ude00", "\ud800", "\udc00x"));
    }

    private Arbitrary<String> text() {
        return anyString();
    }

    private Arbitrary<String> optionalText() {
        return text().injectNull(0.4);
    }

    private Arbitrary<MessageProperties> properties() {
        Arbitrary<Long> expiry = Arbitraries.oneOf(Arbitraries.just(MessageProperties.NO_EXPIRY),
                Arbitraries.longs().between(0, MAX_EXPIRY));
        Arbitrary<byte[]> correlation = Arbitraries.bytes().array(byte[].class).ofMaxSize(16).injectNull(0.5);
        Arbitrary<List<UserProperty>> userProperties = Combinators.combine(text(), text()).as(UserProperty::new)
                .list().ofMaxSize(4);
        return Arbitraries.oneOf(Arbitraries.just(MessageProperties.NONE),
                Combinators.combine(Arbitraries.of(true, false), expiry, optionalText(), optionalText(), correlation,
                        userProperties).as(MessageProperties::new));
    }

    private Arbitrary<Origin> origins() {
        return Combinators.combine(Arbitraries.of(Origin.Kind.class), text(), optionalText(), text().set().ofMaxSize(3))
                .as(Origin::new);
    }

    @Provide
    Arbitrary<UnsMessage> messages() {
        Arbitrary<byte[]> payload = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1000).ofMaxSize(5000));
        return Combinators.combine(text(), payload, Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                properties(), origins(), Arbitraries.longs(), Arbitraries.longs())
                .as(UnsMessage::new);
    }
}
