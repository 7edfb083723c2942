/**
 * Durable broker state: retained messages, persistent sessions, their queued and in-flight messages,
 * inbound QoS 2 state and pending delayed wills, kept in an embedded RocksDB under the data directory.
 *
 * <p>The broker's working state stays in memory; every change that must survive a restart is written
 * as a {@link io.unshub.broker.persistence.StoreBatch} through {@link io.unshub.broker.persistence.BrokerStore#commit},
 * whose future completes once the batch is durable. Acknowledgements that promise durability (PUBACK,
 * PUBREC) wait for that future; nothing waits on an event loop. The store is read once, at start-up
 * ({@link io.unshub.broker.persistence.BrokerStore#recover}), which also drops what expired while the hub
 * was down.
 *
 * <p>{@link io.unshub.broker.persistence.MessageCodec} documents the message format and how message
 * expiry is carried across a restart; {@link io.unshub.broker.persistence.Durability} the sync policies.
 */
package io.unshub.broker.persistence;
