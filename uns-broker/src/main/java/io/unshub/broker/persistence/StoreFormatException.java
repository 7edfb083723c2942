package io.unshub.broker.persistence;

/**
 * A stored record could not be decoded: truncated, written by an unknown format version, or
 * otherwise malformed. RocksDB checksums its blocks and WAL records, so this points at a format bug
 * or a data directory written by a newer hub rather than at disk corruption.
 */
public final class StoreFormatException extends RuntimeException {

    public StoreFormatException(String message) {
        super(message);
    }
}
