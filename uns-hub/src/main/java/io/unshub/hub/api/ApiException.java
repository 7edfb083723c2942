package io.unshub.hub.api;

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
        return Response.status(status).entity(new ApiError(error, getMessage())).build();
    }
}
