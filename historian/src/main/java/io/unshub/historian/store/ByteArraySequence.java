package io.unshub.historian.store;

import io.questdb.std.BinarySequence;

/** A byte array seen as a QuestDB binary value; re-pointed for each row by its single owner. */
final class ByteArraySequence implements BinarySequence {

    private byte[] bytes;

    ByteArraySequence of(byte[] value) {
        this.bytes = value;
        return this;
    }

    @Override
    public byte byteAt(long index) {
        return bytes[(int) index];
    }

    @Override
    public long length() {
        return bytes.length;
    }
}
