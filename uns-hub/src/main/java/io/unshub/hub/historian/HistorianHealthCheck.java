package io.unshub.hub.historian;

import io.unshub.historian.Historian;
import io.unshub.historian.export.ExportStatus;
import io.unshub.historian.ingest.IngestStatus;
import io.unshub.historian.pgwire.PgWireListener;
import io.unshub.historian.query.ExternalQueryStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The historian: down while commits fail (full disk, failing store; ingest retries and recovers when it
 * clears) and for a minute after messages were dropped because it fell behind, so overload is never silent.
 * Export and external-query problems are shown as data; they never stop local history.
 */
@Readiness
@ApplicationScoped
public class HistorianHealthCheck implements HealthCheck {

    static final long DROP_WINDOW_MILLIS = 60_000;

    @Inject
    HistorianRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        Historian historian = runtime.historian();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("historian");
        if (historian == null) {
            return response.up().withData("enabled", false).build();
        }
        IngestStatus s = historian.status();
        if (s == null) {
            return response.down().withData("state", "starting").build();
        }
        boolean droppedRecently = s.lastDropAtMillis() > 0
                && System.currentTimeMillis() - s.lastDropAtMillis() < DROP_WINDOW_MILLIS;
        response.status(!s.failing() && !droppedRecently)
                .withData("stored", s.stored())
                .withData("lastSequence", s.lastSequence())
                .withData("queued", s.queued())
                .withData("dropped", s.dropped())
                .withData("storeFailing", s.failing());
        if (s.lastError() != null) {
            response.withData("lastError", s.lastError());
        }
        if (droppedRecently) {
            response.withData("overload", "messages were dropped in the last minute because the store fell behind");
        }
        PgWireListener pg = runtime.pgListener();
        if (pg != null) {
            response.withData("pgWire", pg.host() + ":" + pg.port() + (pg.isListening() ? "" : " (not listening)"));
        }
        ExportStatus e = historian.exportStatus();
        if (e != null) {
            response.withData("exportPending", e.pending()).withData("exportFailed", e.failed())
                    .withData("exportDropped", e.dropped());
            if (e.lastError() != null) {
                response.withData("exportLastError", e.lastError());
            }
        }
        ExternalQueryStatus q = runtime.externalQueryStatus();
        response.withData("queryTarget", q == null ? "embedded" : "external");
        if (q != null) {
            // Shown, never DOWN: an external query server that is away costs aggregates, not ingest or raw history.
            response.withData("queryUrl", q.url()).withData("queryUnreachable", q.unreachable())
                    .withData("queryErrors", q.errors());
            if (q.lastQueryOk() != null) {
                response.withData("queryLastOk", q.lastQueryOk());
            }
            if (q.lastError() != null) {
                response.withData("queryLastError", q.lastError());
            }
        }
        return response.build();
    }
}
