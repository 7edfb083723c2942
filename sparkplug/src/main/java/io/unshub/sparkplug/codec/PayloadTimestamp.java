package io.unshub.sparkplug.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.unshub.schemas.sparkplug.proto.SparkplugB;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Replaces {@code Payload.timestamp} (protobuf field 1) of an encoded Sparkplug B payload and keeps everything else
 * exactly: the other top-level fields are copied as raw bytes, never decoded and re-encoded, so metrics, properties,
 * unknown (future) fields and the encoder's choices (datatype present or not, field order) survive byte for byte.
 * The new timestamp is written first, where every encoder puts field 1.
 *
 * <p>Split in two so that a payload delivered to many subscribers is analysed once: {@link #prepare} does the
 * expensive part (validating decode, inflating, stripping field 1, compressing the rest) and the {@link Stamp} it
 * returns writes a copy with a given timestamp by copying bytes only, no decoding and no compression.
 *
 * <p>A Tahu compression wrapper ({@code uuid = "SPBV1.0_COMPRESSED"}, digest §2.7) is handled: the inner payload,
 * which is what receivers read after inflating, gets the timestamp and the outer payload gets the same timestamp
 * too, for readers that never inflate. The wrapper's other fields (uuid, seq, the algorithm metric) stay as they
 * were and so does its algorithm. The new body is one compressed stream of two DEFLATE blocks: a stored
 * (uncompressed) block with the inner timestamp field, then the rest of the inner payload compressed once at
 * {@link #prepare}; only the stream's checksum is computed per stamp.
 *
 * <p>Stateless and thread-safe; a {@link Stamp} is immutable and may be used from any thread.
 */
public final class PayloadTimestamp {

    private static final int TIMESTAMP = 1;
    private static final int BODY = 5;
    private static final int TIMESTAMP_TAG = TIMESTAMP << 3 | WireFormat.WIRETYPE_VARINT;
    private static final int BODY_TAG = BODY << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    /** zlib header: deflate, 32 KiB window, default level (what {@link Deflater}'s default stream starts with). */
    private static final byte[] ZLIB_HEADER = {0x78, (byte) 0x9C};
    /** gzip header: deflate, no flags, no modification time, unknown OS. */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final SparkplugDecoder decoder;
    private final int maxInflatedBytes;

    public PayloadTimestamp() {
        this(SparkplugDecoder.DEFAULT_MAX_INFLATED_BYTES);
    }

    /** @param maxInflatedBytes the largest inflated size accepted for a compressed payload */
    public PayloadTimestamp(int maxInflatedBytes) {
        this.decoder = new SparkplugDecoder(maxInflatedBytes);
        this.maxInflatedBytes = maxInflatedBytes;
    }

    /**
     * {@code payload} with its timestamp set to {@code timestampMs}, as a new array; {@code null} when the bytes are
     * not a payload the hub's decoder accepts (then nothing is touched: a caller delivers the original).
     */
    public byte[] replace(byte[] payload, long timestampMs) {
        Stamp stamp = prepare(payload);
        return stamp == null ? null : stamp.apply(timestampMs);
    }

    /**
     * Analyses {@code payload} once for any number of {@link Stamp#apply} calls; {@code null} when the bytes are not
     * a payload the hub's decoder accepts (or a compressed one inflates beyond the cap). {@code payload} is not
     * kept and never modified.
     */
    public Stamp prepare(byte[] payload) {
        if (decoder.decode(payload) instanceof DecodeResult.Malformed) {
            return null;
        }
        try {
            SparkplugB.Payload outer = SparkplugB.Payload.parseFrom(payload);
            if (!Compression.isCompressed(outer)) {
                return new Plain(withoutTimestamp(payload));
            }
            String algorithm = Compression.algorithm(outer);
            byte[] innerRest = withoutTimestamp(Compression.inflate(outer, maxInflatedBytes));
            byte[][] outerParts = aroundBody(payload);
            return new Compressed(outerParts[0], outerParts[1], innerRest, rawDeflate(innerRest),
                    "GZIP".equals(algorithm));
        } catch (IOException | MalformedException | RuntimeException e) {
            return null; // cannot happen for bytes the decoder accepted; never let it reach a network thread
        }
    }

    /** A payload analysed by {@link #prepare}, ready to be written with any timestamp. */
    public sealed interface Stamp permits Plain, Compressed {

        /** A new array: the prepared payload with {@code Payload.timestamp = timestampMs}. */
        byte[] apply(long timestampMs);
    }

    /** An uncompressed payload: field 1 and then every other field as it was. */
    private record Plain(byte[] rest) implements Stamp {

        @Override
        public byte[] apply(long timestampMs) {
            byte[] out = new byte[timestampFieldSize(timestampMs) + rest.length];
            int at = writeTimestampField(out, 0, timestampMs);
            System.arraycopy(rest, 0, out, at, rest.length);
            return out;
        }
    }

    /**
     * A compression wrapper: the outer fields before and after the (first) body, the inner payload without field 1
     * (kept for the checksum) and that rest compressed as raw DEFLATE blocks ending with the final block.
     */
    private record Compressed(byte[] before, byte[] after, byte[] innerRest, byte[] deflatedRest, boolean gzip)
            implements Stamp {

        @Override
        public byte[] apply(long timestampMs) {
            byte[] body = body(timestampMs);
            byte[] out = new byte[timestampFieldSize(timestampMs) + before.length + 1
                    + CodedOutputStream.computeUInt32SizeNoTag(body.length) + body.length + after.length];
            int at = writeTimestampField(out, 0, timestampMs);
            System.arraycopy(before, 0, out, at, before.length);
            at += before.length;
            out[at++] = (byte) BODY_TAG;
            at = writeVarint(out, at, body.length);
            System.arraycopy(body, 0, out, at, body.length);
            at += body.length;
            System.arraycopy(after, 0, out, at, after.length);
            return out;
        }

        /** The compressed inner payload: header, a stored block with field 1, the prepared blocks, trailer. */
        private byte[] body(long timestampMs) {
            byte[] field = new byte[timestampFieldSize(timestampMs)];
            writeTimestampField(field, 0, timestampMs);
            byte[] header = gzip ? GZIP_HEADER : ZLIB_HEADER;
            byte[] out = new byte[header.length + 5 + field.length + deflatedRest.length + (gzip ? 8 : 4)];
            System.arraycopy(header, 0, out, 0, header.length);
            int at = header.length;
            out[at++] = 0; // BFINAL = 0, BTYPE = 00 (stored); the rest of the byte is padding
            out[at++] = (byte) field.length;
            out[at++] = 0;
            out[at++] = (byte) ~field.length;
            out[at++] = (byte) 0xFF;
            System.arraycopy(field, 0, out, at, field.length);
            at += field.length;
            System.arraycopy(deflatedRest, 0, out, at, deflatedRest.length);
            at += deflatedRest.length;
            if (gzip) {
                CRC32 crc = new CRC32();
                crc.update(field);
                crc.update(innerRest);
                at = writeIntLittleEndian(out, at, (int) crc.getValue());
                writeIntLittleEndian(out, at, field.length + innerRest.length);
            } else {
                Adler32 adler = new Adler32();
                adler.update(field);
                adler.update(innerRest);
                int value = (int) adler.getValue();
                out[at++] = (byte) (value >>> 24);
                out[at++] = (byte) (value >>> 16);
                out[at++] = (byte) (value >>> 8);
                out[at] = (byte) value;
            }
            return out;
        }
    }

    /** {@code bytes} field by field without field 1. */
    private static byte[] withoutTimestamp(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length);
        CodedOutputStream out = CodedOutputStream.newInstance(buffer);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == TIMESTAMP) {
                in.skipField(tag);
            } else {
                in.skipField(tag, out);
            }
        }
        out.flush();
        return buffer.toByteArray();
    }

    /**
     * The fields of {@code bytes} other than 1 and 5, split where the first field 5 stood: a repeated optional
     * field, so the last one would have won; the new body replaces them all, in the first one's place.
     */
    private static byte[][] aroundBody(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        ByteArrayOutputStream before = new ByteArrayOutputStream(64);
        ByteArrayOutputStream after = new ByteArrayOutputStream(64);
        CodedOutputStream beforeOut = CodedOutputStream.newInstance(before);
        CodedOutputStream afterOut = CodedOutputStream.newInstance(after);
        boolean bodySeen = false;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == TIMESTAMP || field == BODY) {
                bodySeen |= field == BODY;
                in.skipField(tag);
            } else {
                in.skipField(tag, bodySeen ? afterOut : beforeOut);
            }
        }
        beforeOut.flush();
        afterOut.flush();
        return new byte[][] {before.toByteArray(), after.toByteArray()};
    }

    /** Raw DEFLATE (no zlib or gzip framing) of {@code bytes}, ending with the final block. */
    private static byte[] rawDeflate(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2 + 32);
            byte[] chunk = new byte[8192];
            while (!deflater.finished()) {
                int n = deflater.deflate(chunk);
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static int timestampFieldSize(long timestampMs) {
        return 1 + CodedOutputStream.computeUInt64SizeNoTag(timestampMs);
    }

    private static int writeTimestampField(byte[] out, int at, long timestampMs) {
        out[at] = (byte) TIMESTAMP_TAG;
        return writeVarint(out, at + 1, timestampMs);
    }

    private static int writeVarint(byte[] out, int at, long value) {
        while ((value & ~0x7FL) != 0) {
            out[at++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[at++] = (byte) value;
        return at;
    }

    private static int writeIntLittleEndian(byte[] out, int at, int value) {
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >>> 8);
        out[at + 2] = (byte) (value >>> 16);
        out[at + 3] = (byte) (value >>> 24);
        return at + 4;
    }
}
