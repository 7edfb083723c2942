package io.unshub.sparkplug.codec;

import io.unshub.sparkplug.model.SparkplugPayload;

/** The outcome of decoding one Sparkplug B payload: never an exception, always one of these. */
public sealed interface DecodeResult {

    /** The bytes were a valid Sparkplug B payload. */
    record Decoded(SparkplugPayload payload) implements DecodeResult {
    }

    /** The bytes were not a valid Sparkplug B payload; {@code reason} says why, for a log line or a counter. */
    record Malformed(String reason) implements DecodeResult {
    }
}
