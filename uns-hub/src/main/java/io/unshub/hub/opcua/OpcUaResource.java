package io.unshub.hub.opcua;

import io.unshub.hub.api.ApiException;
import io.unshub.opcua.OpcUaBridge;
import io.unshub.opcua.browse.BrowseEntry;
import io.unshub.opcua.connection.ConnectionState;
import io.unshub.opcua.connection.ConnectionStatus;
import io.unshub.opcua.connection.OpcUaConnection;
import io.unshub.opcua.pki.CertificateInfo;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.milo.opcua.stack.core.UaException;

import java.util.List;

/** The OPC UA connections: state, security, certificates, item failures, and browsing a server to write config. */
@Path("/api/v1/opcua")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "OPC UA", description = "OPC UA connections, their tags and failures, browsing, rejected certificates")
public class OpcUaResource {

    @Inject
    OpcUaRuntime runtime;

    /** One line per connection. */
    public record ConnectionSummary(String name, ConnectionState state, String endpoint, String location, int tags,
                                    int items, int failedItems, String lastError) {
    }

    /** Everything about one connection. */
    public record ConnectionDetail(String location, String stateTopic, ConnectionStatus status) {
    }

    private OpcUaBridge bridge() {
        OpcUaBridge bridge = runtime.bridge();
        if (bridge == null) {
            throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "starting", "the OPC UA bridge is starting");
        }
        return bridge;
    }

    private OpcUaConnection connection(String name) {
        return bridge().connection(name).orElseThrow(() -> ApiException.notFound("no OPC UA connection named '"
                + name + "'"));
    }

    @GET
    @Path("connections")
    @Operation(summary = "Every OPC UA connection with its state, tag and item counts and last error")
    public List<ConnectionSummary> connections() {
        return bridge().connections().stream().map(c -> {
            ConnectionStatus s = c.status();
            return new ConnectionSummary(s.name(), s.state(), s.endpoint(), c.config().location(), s.tags(), s.items(),
                    s.failures().size(), s.lastError());
        }).toList();
    }

    @GET
    @Path("connections/{name}")
    @Operation(summary = "One connection: state, endpoint, security, server certificate, last error, counts, failed items")
    public ConnectionDetail connectionDetail(@PathParam("name") String name) {
        OpcUaConnection c = connection(name);
        return new ConnectionDetail(c.config().location(), c.config().stateTopic(), c.status());
    }

    @GET
    @Path("connections/{name}/browse")
    @Operation(summary = "The children of a node (default: the Objects folder), with NodeIds in nsu= form for opcua.yaml")
    public List<BrowseEntry> browse(@PathParam("name") String name,
                                    @QueryParam("node") @DefaultValue("i=85") String node) {
        OpcUaConnection c = connection(name);
        try {
            return c.browse(node);
        } catch (IllegalStateException e) {
            throw new ApiException(Response.Status.CONFLICT, "not connected", e.getMessage());
        } catch (UaException e) {
            throw new ApiException(Response.Status.BAD_GATEWAY, "browse failed",
                    OpcUaConnection.statusName(e.getStatusCode().getValue()) + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // ExpandedNodeId.parse refuses text that is no NodeId with an unchecked exception.
            throw ApiException.badRequest("node '" + node + "' is not a NodeId (e.g. i=85, nsu=urn:x;s=Line1)");
        }
    }

    @GET
    @Path("certificates/rejected")
    @Operation(summary = "Server certificates refused because they are not in the trust list")
    public List<CertificateInfo> rejected() {
        return bridge().rejectedCertificates();
    }
}
