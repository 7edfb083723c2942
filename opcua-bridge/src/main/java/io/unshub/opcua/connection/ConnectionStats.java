package io.unshub.opcua.connection;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one connection, for metrics and REST; updated from any thread. */
public final class ConnectionStats {

    public final LongAdder values = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder reconnects = new LongAdder();
    public final LongAdder writes = new LongAdder();
    public final LongAdder writeFailures = new LongAdder();
}
