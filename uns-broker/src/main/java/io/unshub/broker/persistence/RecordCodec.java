package io.unshub.broker.persistence;

import io.unshub.core.message.UnsMessage;

/**
 * Values of the non-message records. Each starts with a format version byte, like {@link MessageCodec}'s;
 * messages inside them are embedded in {@link MessageCodec}'s format.
 *
 * <pre>
 * session       version 2, zigzag expiry seconds, zigzag disconnectedAtMillis (-1: connected),
 *               owner flag (0 anonymous, 1 named), [string owner];
 *               version 1 (no owner recorded) is still read, as a session whose owner is unknown
 * subscription  version, flags (bits 0-1 QoS, 2 no-local, 3 retain-as-published, 4-5 retain handling),
 *               varint subscription id
 * queued        version, flags (bits 0-1 QoS, 2 retain, 3 subscription ids), [varint n, n * varint id], message
 * in-flight     version, state (0 sent, 1 PUBREC received), zigzag sequence,
 *               if sent: flags and ids as for queued, message
 * will          version, zigzag due time (wall-clock ms), message
 * </pre>
 */
final class RecordCodec {

    static final int VERSION = 1;

    private RecordCodec() {
    }

    // ---------------------------------------------------------------- sessions

    /** The session record's format: version 2 added the owner. */
    static final int SESSION_VERSION = 2;

    /** Writes version 2, or version 1 for a session whose owner is unknown (so that it stays unknown). */
    static byte[] session(long expirySeconds, long disconnectedAtMillis, String owner, boolean ownerKnown) {
        BinaryWriter out = new BinaryWriter(16 + (owner == null ? 0 : owner.length()));
        out.writeByte(ownerKnown ? SESSION_VERSION : 1);
        out.writeZigZag(expirySeconds);
        out.writeZigZag(disconnectedAtMillis);
        if (!ownerKnown) {
            return out.toByteArray();
        }
        out.writeByte(owner == null ? 0 : 1);
        if (owner != null) {
            out.writeString(owner);
        }
        return out.toByteArray();
    }

    /** A session record's values; {@code ownerKnown} is false for records written before owners were kept. */
    record SessionValues(long expirySeconds, long disconnectedAtMillis, String owner, boolean ownerKnown) {
    }

    static SessionValues readSession(byte[] value) {
        BinaryReader in = new BinaryReader(value);
        int version = in.readByte();
        if (version != 1 && version != SESSION_VERSION) {
            throw new StoreFormatException("unsupported session format version " + version);
        }
        long expiry = in.readZigZag();
        long disconnectedAt = in.readZigZag();
        if (version == 1) {
            in.expectEnd("session");
            return new SessionValues(expiry, disconnectedAt, null, false);
        }
        int flag = in.readByte();
        if (flag != 0 && flag != 1) {
            throw new StoreFormatException("invalid session owner flag " + flag);
        }
        String owner = flag == 1 ? in.readString() : null;
        in.expectEnd("session");
        return new SessionValues(expiry, disconnectedAt, owner, true);
    }

    static byte[] subscription(StoredSubscription s) {
        BinaryWriter out = new BinaryWriter(8);
        out.writeByte(VERSION);
        out.writeByte(s.qos() | (s.noLocal() ? 1 << 2 : 0) | (s.retainAsPublished() ? 1 << 3 : 0)
                | s.retainHandling() << 4);
        out.writeVarLong(s.subscriptionId());
        return out.toByteArray();
    }

    static StoredSubscription readSubscription(String filter, byte[] value) {
        BinaryReader in = reader(value, "subscription");
        int flags = in.readByte();
        long id = in.readVarLong();
        in.expectEnd("subscription");
        if (id > Integer.MAX_VALUE || (flags & 0x3) == 3 || (flags >>> 4) > 2) {
            throw new StoreFormatException("invalid subscription record");
        }
        return new StoredSubscription(filter, flags & 0x3, (flags & 1 << 2) != 0, (flags & 1 << 3) != 0,
                flags >>> 4, (int) id);
    }

    // ---------------------------------------------------------------- messages for a session

    static byte[] queued(byte[] encodedMessage, int qos, boolean retain, int[] subscriptionIds) {
        BinaryWriter out = new BinaryWriter(encodedMessage.length + 8);
        out.writeByte(VERSION);
        writeDelivery(out, qos, retain, subscriptionIds);
        out.writeRaw(encodedMessage);
        return out.toByteArray();
    }

    static QueuedMessage readQueued(long sequence, byte[] value, long nowMillis, long nowNanos) {
        BinaryReader in = reader(value, "queued message");
        int flags = in.readByte();
        int[] ids = readIds(in, flags);
        UnsMessage message = MessageCodec.decodeFrom(in, nowMillis, nowNanos);
        in.expectEnd("queued message");
        return new QueuedMessage(sequence, message, qos(flags), (flags & 1 << 2) != 0, ids);
    }

    static byte[] inflightSent(long sequence, byte[] encodedMessage, int qos, boolean retain, int[] subscriptionIds) {
        BinaryWriter out = new BinaryWriter(encodedMessage.length + 16);
        out.writeByte(VERSION);
        out.writeByte(0);
        out.writeZigZag(sequence);
        writeDelivery(out, qos, retain, subscriptionIds);
        out.writeRaw(encodedMessage);
        return out.toByteArray();
    }

    static byte[] inflightPubRecReceived(long sequence) {
        BinaryWriter out = new BinaryWriter(12);
        out.writeByte(VERSION);
        out.writeByte(1);
        out.writeZigZag(sequence);
        return out.toByteArray();
    }

    static InflightMessage readInflight(int packetId, byte[] value, long nowMillis, long nowNanos) {
        BinaryReader in = reader(value, "in-flight message");
        int state = in.readByte();
        long sequence = in.readZigZag();
        if (state == 1) {
            in.expectEnd("in-flight message");
            return InflightMessage.pubRecReceived(packetId, sequence);
        }
        if (state != 0) {
            throw new StoreFormatException("unknown in-flight state " + state);
        }
        int flags = in.readByte();
        int[] ids = readIds(in, flags);
        UnsMessage message = MessageCodec.decodeFrom(in, nowMillis, nowNanos);
        in.expectEnd("in-flight message");
        return InflightMessage.sent(packetId, sequence, message, qos(flags), (flags & 1 << 2) != 0, ids);
    }

    static byte[] will(byte[] encodedMessage, long dueAtMillis) {
        BinaryWriter out = new BinaryWriter(encodedMessage.length + 12);
        out.writeByte(VERSION);
        out.writeZigZag(dueAtMillis);
        out.writeRaw(encodedMessage);
        return out.toByteArray();
    }

    static PendingWill readWill(String clientId, byte[] value, long nowMillis, long nowNanos) {
        BinaryReader in = reader(value, "will");
        long due = in.readZigZag();
        UnsMessage message = MessageCodec.decodeFrom(in, nowMillis, nowNanos);
        in.expectEnd("will");
        return new PendingWill(clientId, message, due);
    }

    // ---------------------------------------------------------------- keys

    /** Reads the client id at the start of a per-client key; the reader is left at the suffix. */
    static String readClient(BinaryReader key) {
        return key.readString();
    }

    // ---------------------------------------------------------------- helpers

    private static void writeDelivery(BinaryWriter out, int qos, boolean retain, int[] subscriptionIds) {
        boolean ids = subscriptionIds != null;
        out.writeByte(qos | (retain ? 1 << 2 : 0) | (ids ? 1 << 3 : 0));
        if (ids) {
            out.writeVarLong(subscriptionIds.length);
            for (int id : subscriptionIds) {
                out.writeVarLong(id & 0xFFFF_FFFFL);
            }
        }
    }

    private static int[] readIds(BinaryReader in, int flags) {
        if ((flags & ~0xF) != 0 || (flags & 0x3) == 3) {
            throw new StoreFormatException("invalid delivery flags");
        }
        if ((flags & 1 << 3) == 0) {
            return null;
        }
        int count = in.readVarIntLength();
        if (count > in.remaining()) {
            throw new StoreFormatException("subscription id count beyond the record");
        }
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            long id = in.readVarLong();
            if (id > 0xFFFF_FFFFL || id < 0) {
                throw new StoreFormatException("subscription id out of range");
            }
            ids[i] = (int) id;
        }
        return ids;
    }

    private static int qos(int flags) {
        return flags & 0x3;
    }

    private static BinaryReader reader(byte[] value, String what) {
        BinaryReader in = new BinaryReader(value);
        int version = in.readByte();
        if (version != VERSION) {
            throw new StoreFormatException("unsupported " + what + " format version " + version);
        }
        return in;
    }
}
