package io.unshub.sparkplug.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.unshub.schemas.sparkplug.proto.SparkplugB;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Replaces {@code Payload.timestamp} (protobuf field 1) of an encoded Sparkplug B payload and keeps everything else
 * exactly: the other top-level fields are copied as raw bytes, never decoded and re-encoded, so metrics, properties,
 * unknown (future) fields and the encoder's choices (datatype present or not, field order) survive byte for byte.
 * The new timestamp is written first, where every encoder puts field 1.
 *
 * <p>A Tahu compression wrapper ({@code uuid = "SPBV1.0_COMPRESSED"}, digest §2.7) is handled: the inner payload,
 * which is what receivers read after inflating, gets the timestamp and is compressed again with the wrapper's
 * algorithm; the outer payload gets the same timestamp too, for readers that never inflate. Its other fields (uuid,
 * seq, the algorithm metric) stay as they were.
 *
 * <p>Stateless and thread-safe.
 */
public final class PayloadTimestamp {

    private static final int TIMESTAMP = 1;
    private static final int BODY = 5;

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
        if (decoder.decode(payload) instanceof DecodeResult.Malformed) {
            return null;
        }
        try {
            SparkplugB.Payload outer = SparkplugB.Payload.parseFrom(payload);
            byte[] body = null;
            if (Compression.isCompressed(outer)) {
                byte[] inner = Compression.inflate(outer, maxInflatedBytes);
                body = Compression.deflate(rewrite(inner, timestampMs, null), Compression.algorithm(outer));
            }
            return rewrite(payload, timestampMs, body);
        } catch (IOException | MalformedException | RuntimeException e) {
            return null; // cannot happen for bytes the decoder accepted; never let it reach a network thread
        }
    }

    /** Copies {@code bytes} field by field with field 1 replaced (and field 5 by {@code body} when not null). */
    private static byte[] rewrite(byte[] bytes, long timestampMs, byte[] body) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length + 11 + (body == null ? 0 : body.length));
        CodedOutputStream out = CodedOutputStream.newInstance(buffer);
        out.writeUInt64(TIMESTAMP, timestampMs);
        boolean bodyWritten = false;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == TIMESTAMP) {
                in.skipField(tag);
            } else if (field == BODY && body != null) {
                in.skipField(tag);
                if (!bodyWritten) { // a repeated optional field: the last one would have won, ours replaces them all
                    out.writeByteArray(BODY, body);
                    bodyWritten = true;
                }
            } else {
                in.skipField(tag, out);
            }
        }
        out.flush();
        return buffer.toByteArray();
    }
}
