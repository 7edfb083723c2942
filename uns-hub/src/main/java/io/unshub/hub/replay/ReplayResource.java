package io.unshub.hub.replay;

import io.unshub.historian.replay.ReplayLimitException;
import io.unshub.historian.replay.ReplayRequest;
import io.unshub.historian.replay.TimeArgument;
import io.unshub.hub.api.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Comparator;
import java.util.List;

/**
 * Replay over HTTP: MQTT replay sessions published on {@code $replay/<id>/} (the Server-Sent Events stream is
 * {@link SseReplayRoute}).
 * Like the rest of the REST API this is an operator interface without a user identity; the ACL of the original
 * topics applies to the MQTT clients that subscribe to a session's topics.
 */
@Path("/api/v1")
@Tag(name = "Replay", description = "Replays of stored messages: Server-Sent Events and MQTT replay sessions")
public class ReplayResource {

    static final String SPEED_DOC = "0 = as fast as possible, 1 = original pacing (default), N = N times faster";

    @Inject
    ReplayRuntime runtime;

    @POST
    @Path("replays")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an MQTT replay session: it starts when a client subscribes to $replay/<id>/# (within "
            + "60 s) and publishes the stored messages on $replay/<id>/<original topic>, never retained, with the "
            + "original receive time in the user property replay-timestamp")
    public Response create(ReplayViews.Create body, @Context UriInfo uri) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body {\"filter\", \"from\", \"to\", \"speed\"} is required");
        }
        ReplayRequest request = request(body.filter(), body.from(), body.to(), body.speed(), -1);
        ReplaySession session;
        try {
            session = runtime.sessions().create(request);
        } catch (ReplayLimitException e) {
            throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "too many replays", e.getMessage());
        }
        return Response.created(uri.getAbsolutePathBuilder().path(session.id()).build()).entity(session.view()).build();
    }

    @GET
    @Path("replays")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "MQTT replay sessions, newest first (finished ones are kept for a while)")
    public List<ReplayViews.Session> sessions() {
        return runtime.sessions().all().stream().map(ReplaySession::view)
                .sorted(Comparator.comparingLong(ReplayViews.Session::created_at).reversed()).toList();
    }

    @GET
    @Path("replays/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One MQTT replay session: state, messages replayed, last sequence")
    public ReplayViews.Session session(@PathParam("id") String id) {
        return find(id).view();
    }

    @DELETE
    @Path("replays/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel an MQTT replay session (it stops before its next message)")
    public ReplayViews.Session cancel(@PathParam("id") String id) {
        ReplaySession session = find(id);
        session.cancel();
        return session.view();
    }

    private ReplaySession find(String id) {
        ReplaySession session = runtime.sessions().get(id);
        if (session == null) {
            throw ApiException.notFound("no replay session with id '" + id + "'");
        }
        return session;
    }

    /** The request the parameters describe; a 400 naming the parameter otherwise. */
    static ReplayRequest request(String filter, String from, String to, String speed, long afterSequence) {
        try {
            long fromMillis = TimeArgument.parse("from", from);
            long toMillis = to == null || to.isBlank() ? System.currentTimeMillis() : TimeArgument.parse("to", to);
            return new ReplayRequest(filter == null || filter.isBlank() ? "#" : filter, fromMillis, toMillis,
                    ReplayRequest.parseSpeed("speed", speed, 1), afterSequence);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
