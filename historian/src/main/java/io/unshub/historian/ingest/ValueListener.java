package io.unshub.historian.ingest;

import io.unshub.core.message.UnsMessage;

/** Hears every decoded value once its batch is committed (the export); called on the ingest thread, must not block. */
public interface ValueListener {

    ValueListener NONE = (seq, message, profile, value) -> { };

    void committed(long seq, UnsMessage message, TopicProfile profile, DecodedValue value);
}
