package io.unshub.hub.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns refusals and framework errors into the API's JSON error shape. */
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response apiException(ApiException e) {
        return e.toResponse();
    }

    @ServerExceptionMapper
    public Response webApplicationException(WebApplicationException e) {
        Response original = e.getResponse();
        return Response.status(original.getStatus())
                .entity(new ApiError(original.getStatusInfo().getReasonPhrase().toLowerCase(), e.getMessage()))
                .build();
    }
}
