package io.unshub.hub.api;

import io.unshub.hub.sparkplug.SparkplugRuntime;
import io.unshub.sparkplug.host.NodeView;
import io.unshub.sparkplug.host.SparkplugHost;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

/** The Sparkplug host's view of the edge nodes, and rebirth on demand. */
@Path("/api/v1/sparkplug")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sparkplug", description = "Edge nodes, devices and metrics seen by the embedded Sparkplug B host")
public class SparkplugResource {

    @Inject
    SparkplugRuntime runtime;

    private SparkplugHost host() {
        return runtime.host().orElseThrow(() -> new ApiException(Response.Status.SERVICE_UNAVAILABLE,
                "sparkplug off", "the Sparkplug host is disabled (uns.sparkplug.enabled=false)"));
    }

    @GET
    @Path("nodes")
    @Operation(summary = "Every edge node seen: state, bdSeq, devices, metric count, rebirths requested")
    public List<NodeView.Summary> nodes() {
        return host().nodes();
    }

    @GET
    @Path("nodes/{group}/{node}")
    @Operation(summary = "One edge node: state, bdSeq, last seq, seq gaps, rebirths and why, devices, metrics with values")
    public NodeView node(@PathParam("group") String group, @PathParam("node") String node) {
        return host().node(group, node).orElseThrow(() -> notFound(group, node));
    }

    @POST
    @Path("nodes/{group}/{node}/rebirth")
    @Operation(summary = "Send Node Control/Rebirth to the edge node now (past the automatic throttle)")
    public Response rebirth(@PathParam("group") String group, @PathParam("node") String node) {
        boolean sent = host().requestRebirth(group, node).orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        if (!sent) {
            if (host().node(group, node).isEmpty()) {
                throw notFound(group, node);
            }
            throw new ApiException(Response.Status.CONFLICT, "not sent",
                    "the rebirth request to " + group + "/" + node + " could not be published (host STATE not online)");
        }
        return Response.accepted(Map.of("group", group, "node", node, "requested", true)).build();
    }

    private static ApiException notFound(String group, String node) {
        return ApiException.notFound("no Sparkplug edge node '" + group + "/" + node + "' has been seen");
    }
}
