package io.unshub.historian.replay;

import java.util.Arrays;

/**
 * Marks every metric of a Sparkplug B payload as historical ({@code Metric.is_historical = true}, field 5) by
 * editing the protobuf wire format directly: the historian may not use the Sparkplug codec, and protobuf lets a
 * later occurrence of a scalar field win, so appending {@code is_historical = true} to each metric (field 2 of
 * the payload) is enough; everything else is copied byte for byte.
 *
 * <p>Stateless.
 */
public final class SparkplugHistorical {

    private static final int PAYLOAD_METRICS = 2;
    /** Tag of Metric.is_historical (field 5, varint) followed by the value true. */
    private static final byte[] IS_HISTORICAL_TRUE = {(byte) ((5 << 3) | 0), 1};
    private static final String NAMESPACE = "spBv1.0/";

    private SparkplugHistorical() {
    }

    /**
     * Whether {@code topic} carries a protobuf payload with metrics: {@code spBv1.0/<group>/<N|D><BIRTH|DATA|CMD|DEATH>/...}
     * (not the JSON {@code STATE} messages).
     */
    public static boolean carriesMetrics(String topic) {
        if (!topic.startsWith(NAMESPACE)) {
            return false;
        }
        int group = topic.indexOf('/', NAMESPACE.length());
        if (group < 0) {
            return false;
        }
        int end = topic.indexOf('/', group + 1);
        String type = end < 0 ? topic.substring(group + 1) : topic.substring(group + 1, end);
        return switch (type) {
            case "NBIRTH", "NDATA", "NCMD", "NDEATH", "DBIRTH", "DDATA", "DCMD", "DDEATH" -> true;
            default -> false;
        };
    }

    /**
     * The payload with every metric marked historical, or {@code null} when it is not a well-formed protobuf
     * message (then the caller sends it unchanged).
     */
    public static byte[] mark(byte[] payload) {
        Writer out = new Writer(payload.length + 16);
        Reader in = new Reader(payload);
        while (in.more()) {
            long tag = in.varint();
            if (tag < 0) {
                return null;
            }
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            int start = in.position;
            if (field == PAYLOAD_METRICS && wireType == 2) {
                long length = in.varint();
                if (length < 0 || length > in.remaining()) {
                    return null;
                }
                int metricStart = in.position;
                if (!Reader.wellFormed(payload, metricStart, metricStart + (int) length)) {
                    return null;
                }
                out.varint(tag);
                out.varint(length + IS_HISTORICAL_TRUE.length);
                out.bytes(payload, metricStart, (int) length);
                out.bytes(IS_HISTORICAL_TRUE, 0, IS_HISTORICAL_TRUE.length);
                in.position = metricStart + (int) length;
                continue;
            }
            if (!in.skip(wireType)) {
                return null;
            }
            out.varint(tag);
            out.bytes(payload, start, in.position - start);
        }
        return out.result();
    }

    /** Reads protobuf wire primitives; a negative varint result means malformed input. */
    private static final class Reader {
        private final byte[] data;
        private final int limit;
        private int position;

        Reader(byte[] data) {
            this(data, 0, data.length);
        }

        Reader(byte[] data, int from, int to) {
            this.data = data;
            this.position = from;
            this.limit = to;
        }

        boolean more() {
            return position < limit;
        }

        int remaining() {
            return limit - position;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= limit) {
                    return -1;
                }
                byte b = data[position++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value < 0 ? Long.MAX_VALUE : value; // a 10-byte negative int64 is still well formed
                }
            }
            return -1;
        }

        /** Skips the value of a field of {@code wireType}; false when it does not fit or the type is unknown. */
        boolean skip(int wireType) {
            switch (wireType) {
                case 0 -> {
                    return varint() >= 0;
                }
                case 1 -> position += 8;
                case 2 -> {
                    long length = varint();
                    if (length < 0 || length > remaining()) {
                        return false;
                    }
                    position += (int) length;
                }
                case 5 -> position += 4;
                default -> {
                    return false; // groups (3, 4) do not occur in Sparkplug B
                }
            }
            return position <= limit;
        }

        /** Whether {@code data[from, to)} is a sequence of well-formed fields (one level deep). */
        static boolean wellFormed(byte[] data, int from, int to) {
            Reader reader = new Reader(data, from, to);
            while (reader.more()) {
                long tag = reader.varint();
                if (tag <= 0 || !reader.skip((int) (tag & 7))) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class Writer {
        private byte[] buffer;
        private int size;

        Writer(int capacity) {
            buffer = new byte[capacity];
        }

        void varint(long value) {
            ensure(10);
            while ((value & ~0x7FL) != 0) {
                buffer[size++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            buffer[size++] = (byte) value;
        }

        void bytes(byte[] source, int offset, int length) {
            ensure(length);
            System.arraycopy(source, offset, buffer, size, length);
            size += length;
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        byte[] result() {
            return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
        }
    }
}
