package io.unshub.hub.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A request the API refuses; mapped to {@link ApiError} with the given status. */
public final class ApiException extends RuntimeException {

    private final Response.Status status;
    private final String error;

    public ApiException(Response.Status status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
    }

    public static ApiException notFound(String what) {
        return new ApiException(Response.Status.NOT_FOUND, "not found", what);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(Response.Status.BAD_REQUEST, "bad request", detail);
    }

    public Response toResponse() {
        // Always JSON, also for endpoints that produce something else (an SSE stream refused before it starts).
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, getMessage())).build();
    }
}
