package io.unshub.hub.historian;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.unshub.historian.Historian;
import io.unshub.historian.export.ExportStatus;
import io.unshub.historian.ingest.IngestStatus;
import io.unshub.historian.query.ExternalQueryStatus;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.function.ToDoubleFunction;

/** Exposes the historian's ingest, retention and export to Prometheus, read when scraped. */
@Singleton
public class HistorianMeterBinder implements MeterBinder {

    @Inject
    HistorianRuntime runtime;

    @Override
    public void bindTo(MeterRegistry registry) {
        Historian h = runtime.historian();
        if (h == null) {
            return;
        }
        counter(registry, h, "uns_historian_stored", "Messages committed to the raw log", IngestStatus::stored);
        counter(registry, h, "uns_historian_values", "Decoded values committed", IngestStatus::values);
        counter(registry, h, "uns_historian_dropped", "Messages dropped because the ingest queue was full",
                IngestStatus::dropped);
        counter(registry, h, "uns_historian_lost_on_stop", "Messages abandoned at shutdown because the store kept failing",
                IngestStatus::lostOnStop);
        counter(registry, h, "uns_historian_commits", "Successful commits", IngestStatus::commits);
        counter(registry, h, "uns_historian_commit_failures", "Failed commit attempts (each is retried)",
                IngestStatus::failures);
        gauge(registry, h, "uns_historian_queued", "Messages waiting in the ingest queue", IngestStatus::queued);
        gauge(registry, h, "uns_historian_pending", "Messages in the batch not yet committed", IngestStatus::pending);
        gauge(registry, h, "uns_historian_store_failing", "1 while commits fail (full disk, failing store)",
                s -> s.failing() ? 1 : 0);
        gauge(registry, h, "uns_historian_last_sequence", "Sequence number of the newest stored message",
                IngestStatus::lastSequence);
        FunctionCounter.builder("uns_historian_retention_partitions_dropped", h, Historian::partitionsDropped)
                .description("Day partitions dropped by retention").register(registry);
        if (h.exportStatus() != null) {
            exportCounter(registry, h, "uns_historian_export_written", "Lines the export server acknowledged",
                    ExportStatus::written);
            exportCounter(registry, h, "uns_historian_export_failed", "Export writes given up after retries",
                    ExportStatus::failed);
            exportCounter(registry, h, "uns_historian_export_dropped", "Lines dropped because the export buffer was full",
                    ExportStatus::dropped);
            exportCounter(registry, h, "uns_historian_export_retries", "Retried export writes", ExportStatus::retries);
            Gauge.builder("uns_historian_export_lag_lines", h, x -> x.exportStatus().pending())
                    .description("Lines handed to the export and not yet acknowledged").register(registry);
            Gauge.builder("uns_historian_export_last_write_age_seconds", h, x -> {
                long at = x.exportStatus().lastWriteAtMillis();
                return at == 0 ? Double.NaN : (System.currentTimeMillis() - at) / 1000.0;
            }).description("Seconds since the export server last acknowledged a write").register(registry);
        }
        if (runtime.externalQueryStatus() != null) {
            externalCounter(registry, runtime, "uns_historian_external_query_requests", "Aggregate queries sent to the external QuestDB",
                    ExternalQueryStatus::requests);
            externalCounter(registry, runtime, "uns_historian_external_query_unreachable",
                    "External queries that got no answer (refused, timed out, connection lost)",
                    ExternalQueryStatus::unreachable);
            externalCounter(registry, runtime, "uns_historian_external_query_errors",
                    "External queries the server answered with an error", ExternalQueryStatus::errors);
            Gauge.builder("uns_historian_external_query_up", runtime, x -> {
                Boolean ok = x.externalQueryStatus().lastQueryOk();
                return ok == null ? Double.NaN : ok ? 1 : 0;
            }).description("1 when the newest external query succeeded, 0 when it failed (NaN before the first)")
                    .register(registry);
            Gauge.builder("uns_historian_external_query_latency_seconds", runtime, x -> {
                long ms = x.externalQueryStatus().lastLatencyMillis();
                return ms < 0 ? Double.NaN : ms / 1000.0;
            }).description("How long the newest external query took, answered or not").register(registry);
        }
    }

    private static void externalCounter(MeterRegistry registry, HistorianRuntime r, String name, String description,
                                        ToDoubleFunction<ExternalQueryStatus> f) {
        FunctionCounter.builder(name, r, x -> f.applyAsDouble(x.externalQueryStatus())).description(description)
                .register(registry);
    }

    private static void counter(MeterRegistry registry, Historian h, String name, String description,
                                ToDoubleFunction<IngestStatus> f) {
        FunctionCounter.builder(name, h, x -> status(x, f)).description(description).register(registry);
    }

    private static void gauge(MeterRegistry registry, Historian h, String name, String description,
                              ToDoubleFunction<IngestStatus> f) {
        Gauge.builder(name, h, x -> status(x, f)).description(description).register(registry);
    }

    private static double status(Historian h, ToDoubleFunction<IngestStatus> f) {
        IngestStatus s = h.status();
        return s == null ? 0 : f.applyAsDouble(s);
    }

    private static void exportCounter(MeterRegistry registry, Historian h, String name, String description,
                                      ToDoubleFunction<ExportStatus> f) {
        FunctionCounter.builder(name, h, x -> f.applyAsDouble(x.exportStatus())).description(description)
                .register(registry);
    }
}
