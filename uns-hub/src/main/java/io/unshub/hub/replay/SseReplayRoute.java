package io.unshub.hub.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.historian.replay.ReplayLimitException;
import io.unshub.historian.replay.ReplayRequest;
import io.unshub.historian.replay.ReplayRun;
import io.unshub.hub.api.ApiError;
import io.unshub.hub.api.ApiException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/v1/replay}: stored messages as Server-Sent Events (see docs/replay.md). Served as a plain
 * Vert.x route rather than a JAX-RS {@code SseEventSink}, because the stream is written by
 * {@link SseStream} in large pre-formatted chunks: one sink call and one serializer call per event capped a
 * replay at speed 0 at about 25,000 events per second. Bad parameters answer 4xx JSON {@code {"error","detail"}}
 * like the rest of the API.
 *
 * <p>Threading: the handler runs on the HTTP event loop and only parses the request and starts the replay.
 */
@Singleton
public class SseReplayRoute {

    static final String PATH = "/api/v1/replay";

    @Inject
    ReplayRuntime runtime;

    @Inject
    ObjectMapper json;

    void route(@Observes Router router) {
        router.get(PATH).handler(this::replay);
    }

    private void replay(RoutingContext ctx) {
        HttpServerRequest http = ctx.request();
        ReplayRequest request;
        try {
            request = ReplayResource.request(http.getParam("filter"), http.getParam("from"), http.getParam("to"),
                    http.getParam("speed"), afterSequence(http.getHeader("Last-Event-ID")));
        } catch (ApiException e) {
            refuse(ctx, e);
            return;
        }
        SseStream stream = new SseStream(ctx.response(), json);
        ReplayRun run;
        try {
            run = runtime.engine().start(request, stream);
        } catch (ReplayLimitException e) {
            refuse(ctx, new ApiException(Response.Status.SERVICE_UNAVAILABLE, "too many replays", e.getMessage()));
            return;
        }
        stream.attach(run);
        runtime.watch(run, stream::gone);
    }

    private void refuse(RoutingContext ctx, ApiException e) {
        Response refusal = e.toResponse();
        String body;
        try {
            body = json.writeValueAsString((ApiError) refusal.getEntity());
        } catch (JsonProcessingException impossible) {
            body = "{\"error\":\"internal error\"}";
        }
        ctx.response().setStatusCode(refusal.getStatus()).putHeader("Content-Type", "application/json").end(body);
    }

    private static long afterSequence(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return -1;
        }
        try {
            long sequence = Long.parseLong(lastEventId.trim());
            if (sequence >= 0) {
                return sequence;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("Last-Event-ID must be the sequence number of an event, was '" + lastEventId + "'");
    }
}
