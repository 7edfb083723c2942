package io.unshub.broker.persistence;

import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The stored form of an {@link UnsMessage}: compact, versioned, independent of Netty and of Java
 * serialization. Stateless and thread-safe.
 *
 * <h2>Clocks</h2>
 * A message carries two receive times: {@code receivedAtMillis} (wall clock, kept as it is) and
 * {@code receivedAtNanos} ({@link System#nanoTime()}, which the message expiry arithmetic uses). A
 * nano time means nothing in another JVM, so it is not stored as such. Instead the encoder converts it
 * to the wall-clock instant it stands for ({@code nowMillis} at encoding minus the message's age in
 * nanoseconds) and stores that instant's distance from {@code receivedAtMillis} (a few bytes: the two
 * usually differ by less than a millisecond). The decoder rebuilds {@code receivedAtNanos} so that the
 * age at decoding is the wall-clock time since that instant. Consequences:
 * <ul>
 *   <li>Within one process (same clock readings) the round trip is exact.</li>
 *   <li>Across a restart, {@link UnsMessage#remainingExpirySeconds(long)} counts the time the hub was
 *       down: a message with 60 s left when stored and decoded 100 s later has expired.</li>
 *   <li>The wall clock is the only clock that spans a restart, so a clock step while the hub is down
 *       moves expiry with it. A step backwards past the receive instant counts as "no time passed since
 *       receipt": such a step never expires a message early, at worst the message gets its full
 *       interval again.</li>
 * </ul>
 *
 * <h2>Format, version 1</h2>
 * <pre>
 * byte    version (1)
 * byte    flags: bits 0-1 QoS, 2 retain, 3 UTF-8 payload, 4 expires, 5 content type, 6 response topic,
 *                7 correlation data
 * byte    flags: bits 0-1 origin kind (0 client, 1 will, 2 internal), 2 username, 3 roles, 4 user properties
 * string  topic
 * zigzag  receivedAtMillis
 * zigzag  receive instant in wall-clock nanoseconds minus receivedAtMillis * 10^6
 * [zigzag message expiry interval, seconds]          if expires
 * [string content type] [string response topic] [bytes correlation data]
 * [varint n, n * (string name, string value)]        user properties, in order
 * string  origin id, [string username], [varint n, n * string role]
 * bytes   payload
 * </pre>
 * Strings are a varint byte length and WTF-8 (see {@link BinaryWriter}); bytes are a varint length and
 * the bytes. A change to this layout gets a new version number; the decoder keeps reading old ones.
 */
public final class MessageCodec {

    public static final int FORMAT_VERSION = 1;

    private static final long NANOS_PER_MILLI = 1_000_000L;

    private MessageCodec() {
    }

    /** Encodes with the current clocks. */
    public static byte[] encode(UnsMessage message) {
        return encode(message, System.currentTimeMillis(), System.nanoTime());
    }

    /** Encodes with the given clock readings ({@code nowNanos} on the {@link System#nanoTime()} scale). */
    public static byte[] encode(UnsMessage message, long nowMillis, long nowNanos) {
        BinaryWriter out = new BinaryWriter(64 + message.topic().length() + message.payload().length);
        encodeTo(out, message, nowMillis, nowNanos);
        return out.toByteArray();
    }

    /** Decodes with the current clocks. */
    public static UnsMessage decode(byte[] bytes) {
        return decode(bytes, System.currentTimeMillis(), System.nanoTime());
    }

    /**
     * Decodes, rebuilding {@code receivedAtNanos} on this JVM's {@link System#nanoTime()} scale from the
     * wall-clock reading {@code nowMillis} taken at the same moment as {@code nowNanos}.
     *
     * @throws StoreFormatException if the bytes are not a message of a known format version
     */
    public static UnsMessage decode(byte[] bytes, long nowMillis, long nowNanos) {
        BinaryReader in = new BinaryReader(bytes);
        UnsMessage message = decodeFrom(in, nowMillis, nowNanos);
        in.expectEnd("message");
        return message;
    }

    static void encodeTo(BinaryWriter out, UnsMessage message, long nowMillis, long nowNanos) {
        MessageProperties p = message.properties();
        Origin origin = message.origin();
        int flags = message.qos()
                | (message.retain() ? 1 << 2 : 0)
                | (p.utf8Payload() ? 1 << 3 : 0)
                | (p.expires() ? 1 << 4 : 0)
                | (p.contentType() != null ? 1 << 5 : 0)
                | (p.responseTopic() != null ? 1 << 6 : 0)
                | (p.correlationData() != null ? 1 << 7 : 0);
        int originFlags = kindCode(origin.kind())
                | (origin.username() != null ? 1 << 2 : 0)
                | (!origin.roles().isEmpty() ? 1 << 3 : 0)
                | (!p.userProperties().isEmpty() ? 1 << 4 : 0);
        out.writeByte(FORMAT_VERSION);
        out.writeByte(flags);
        out.writeByte(originFlags);
        out.writeString(message.topic());
        out.writeZigZag(message.receivedAtMillis());
        // Wrapping arithmetic throughout: the decoder undoes it exactly, whatever the values.
        long receivedWallNanos = nowMillis * NANOS_PER_MILLI - (nowNanos - message.receivedAtNanos());
        out.writeZigZag(receivedWallNanos - message.receivedAtMillis() * NANOS_PER_MILLI);
        if (p.expires()) {
            out.writeZigZag(p.messageExpirySeconds());
        }
        if (p.contentType() != null) {
            out.writeString(p.contentType());
        }
        if (p.responseTopic() != null) {
            out.writeString(p.responseTopic());
        }
        if (p.correlationData() != null) {
            out.writeLengthPrefixed(p.correlationData());
        }
        if (!p.userProperties().isEmpty()) {
            out.writeVarLong(p.userProperties().size());
            for (UserProperty property : p.userProperties()) {
                out.writeString(property.name());
                out.writeString(property.value());
            }
        }
        out.writeString(origin.id());
        if (origin.username() != null) {
            out.writeString(origin.username());
        }
        if (!origin.roles().isEmpty()) {
            out.writeVarLong(origin.roles().size());
            for (String role : origin.roles()) {
                out.writeString(role);
            }
        }
        out.writeLengthPrefixed(message.payload());
    }

    static UnsMessage decodeFrom(BinaryReader in, long nowMillis, long nowNanos) {
        int version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new StoreFormatException("unsupported message format version " + version);
        }
        int flags = in.readByte();
        int originFlags = in.readByte();
        int qos = flags & 0x3;
        if (qos == 3 || (originFlags & ~0x1F) != 0) {
            throw new StoreFormatException("invalid message flags");
        }
        String topic = in.readString();
        long receivedAtMillis = in.readZigZag();
        long receivedWallNanos = receivedAtMillis * NANOS_PER_MILLI + in.readZigZag();
        // Age on the wall clock; a clock stepped back behind the receive time counts as no time passed.
        long ageNanos = Math.max(0, nowMillis * NANOS_PER_MILLI - receivedWallNanos);
        long receivedAtNanos = nowNanos - ageNanos;
        long expiry = (flags & 1 << 4) != 0 ? in.readZigZag() : MessageProperties.NO_EXPIRY;
        if ((flags & 1 << 4) != 0 && expiry == MessageProperties.NO_EXPIRY) {
            throw new StoreFormatException("expiry flag set without an expiry interval");
        }
        String contentType = (flags & 1 << 5) != 0 ? in.readString() : null;
        String responseTopic = (flags & 1 << 6) != 0 ? in.readString() : null;
        byte[] correlationData = (flags & 1 << 7) != 0 ? in.readLengthPrefixed() : null;
        List<UserProperty> userProperties = List.of();
        if ((originFlags & 1 << 4) != 0) {
            int count = in.readVarIntLength();
            userProperties = new ArrayList<>(Math.min(count, 64));
            for (int i = 0; i < count; i++) {
                userProperties.add(new UserProperty(in.readString(), in.readString()));
            }
        }
        Origin.Kind kind = kind(originFlags & 0x3);
        String originId = in.readString();
        String username = (originFlags & 1 << 2) != 0 ? in.readString() : null;
        Set<String> roles = Set.of();
        if ((originFlags & 1 << 3) != 0) {
            int count = in.readVarIntLength();
            roles = new HashSet<>();
            for (int i = 0; i < count; i++) {
                roles.add(in.readString());
            }
        }
        byte[] payload = in.readLengthPrefixed();
        boolean utf8 = (flags & 1 << 3) != 0;
        MessageProperties properties = !utf8 && expiry == MessageProperties.NO_EXPIRY && contentType == null
                && responseTopic == null && correlationData == null && userProperties.isEmpty()
                ? MessageProperties.NONE
                : new MessageProperties(utf8, expiry, contentType, responseTopic, correlationData, userProperties);
        return new UnsMessage(topic, payload, qos, (flags & 1 << 2) != 0, properties,
                new Origin(kind, originId, username, roles), receivedAtMillis, receivedAtNanos);
    }

    private static int kindCode(Origin.Kind kind) {
        return switch (kind) {
            case CLIENT -> 0;
            case WILL -> 1;
            case INTERNAL -> 2;
        };
    }

    private static Origin.Kind kind(int code) {
        return switch (code) {
            case 0 -> Origin.Kind.CLIENT;
            case 1 -> Origin.Kind.WILL;
            case 2 -> Origin.Kind.INTERNAL;
            default -> throw new StoreFormatException("unknown origin kind " + code);
        };
    }
}
