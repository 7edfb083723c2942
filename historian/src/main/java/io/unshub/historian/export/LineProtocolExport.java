package io.unshub.historian.export;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.WriteApi;
import com.influxdb.client.WriteOptions;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.events.BackpressureEvent;
import com.influxdb.client.write.events.WriteErrorEvent;
import com.influxdb.client.write.events.WriteRetriableErrorEvent;
import com.influxdb.client.write.events.WriteSuccessEvent;
import io.unshub.core.message.UnsMessage;
import io.unshub.historian.ingest.DecodedValue;
import io.unshub.historian.ingest.TopicProfile;
import io.unshub.historian.ingest.ValueListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Exports committed decoded values as line protocol through influxdb-client-java's asynchronous
 * {@link WriteApi}: it batches, retries with exponential back-off and buffers up to {@code bufferLimit}
 * lines on its own scheduler, so the ingest thread only formats a line and hands it over, never waiting
 * for the server. Counters are written by the client's threads and read by metrics (atomics).
 */
public final class LineProtocolExport implements ValueListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LineProtocolExport.class);

    private final InfluxDBClient client;
    private final WriteApi writes;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile long lastWriteAtMillis;
    private volatile String lastError;

    public LineProtocolExport(ExportSettings settings) {
        this.client = InfluxDBClientFactory.create(settings.url(), settings.token() == null ? new char[0]
                : settings.token().toCharArray(), settings.org(), settings.bucket());
        this.writes = client.makeWriteApi(WriteOptions.builder()
                .batchSize(settings.batchSize())
                .flushInterval((int) settings.flushInterval().toMillis())
                .bufferLimit(settings.bufferLimit())
                .maxRetries(settings.maxRetries())
                .retryInterval(1_000)
                .maxRetryDelay((int) settings.maxRetryDelay().toMillis())
                .exponentialBase(2)
                .captureBackpressureData(true)
                .build());
        writes.listenEvents(WriteSuccessEvent.class, e -> {
            written.addAndGet(lines(e.getLineProtocol()));
            lastWriteAtMillis = System.currentTimeMillis();
        });
        writes.listenEvents(WriteRetriableErrorEvent.class, e -> {
            retries.incrementAndGet();
            lastError = String.valueOf(e.getThrowable().getMessage());
        });
        writes.listenEvents(WriteErrorEvent.class, e -> {
            // The client reports the batch it gave up on without its size; count it as one batch's worth
            // through the pending gauge staying up, and keep the reason.
            failed.incrementAndGet();
            lastError = String.valueOf(e.getThrowable().getMessage());
            LOG.warn("historian export: write failed after retries: {}", lastError);
        });
        writes.listenEvents(BackpressureEvent.class, e -> {
            int lost = e.getDroppedLineProtocol() == null ? 0 : e.getDroppedLineProtocol().size();
            dropped.addAndGet(lost);
            LOG.warn("historian export: buffer full ({}), {} lines dropped", e.getReason(), lost);
        });
    }

    private static long lines(String lineProtocol) {
        if (lineProtocol == null || lineProtocol.isEmpty()) {
            return 0;
        }
        long n = 1;
        for (int i = 0; i < lineProtocol.length(); i++) {
            if (lineProtocol.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    @Override
    public void committed(long seq, UnsMessage message, TopicProfile profile, DecodedValue value) {
        writes.writeRecord(WritePrecision.MS, LineProtocol.line(message, profile, value));
        submitted.incrementAndGet();
    }

    public ExportStatus status() {
        long s = submitted.get();
        long w = written.get();
        long d = dropped.get();
        return new ExportStatus(s, w, failed.get(), d, retries.get(), Math.max(0, s - w - d), lastWriteAtMillis,
                lastError);
    }

    /** Writes what is buffered (one last attempt) and closes the client. */
    @Override
    public void close() {
        try {
            writes.flush();
            writes.close();
        } finally {
            client.close();
        }
    }
}
