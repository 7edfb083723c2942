package io.unshub.hub.api;

import io.unshub.broker.Broker;
import io.unshub.broker.handler.MqttConnection;
import io.unshub.broker.session.Session;
import io.unshub.core.topic.Topics;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Comparator;
import java.util.List;

/** Broker state: clients and their sessions, subscriptions, retained messages. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Broker", description = "MQTT clients, sessions, subscriptions and retained messages")
public class BrokerResource {

    @Inject
    Broker broker;

    @GET
    @Path("clients")
    @Operation(summary = "Connected clients and offline persistent sessions")
    public List<BrokerViews.ClientView> clients() {
        return broker.allSessions().stream()
                .map(session -> BrokerViews.client(session, connectionOf(session)))
                .sorted(Comparator.comparing(BrokerViews.ClientView::clientId))
                .toList();
    }

    @GET
    @Path("clients/{clientId}")
    @Operation(summary = "One client: protocol, address, keep alive, subscriptions, queued and in-flight messages")
    public BrokerViews.ClientDetail client(@PathParam("clientId") String clientId) {
        Session session = broker.sessions().get(clientId);
        if (session == null) {
            throw ApiException.notFound("no client or session with id '" + clientId + "'");
        }
        return new BrokerViews.ClientDetail(BrokerViews.client(session, connectionOf(session)),
                BrokerViews.subscriptions(session));
    }

    @DELETE
    @Path("clients/{clientId}")
    @Operation(summary = "Disconnect a client (MQTT 5 clients get DISCONNECT 0x98, administrative action)")
    public Response disconnect(@PathParam("clientId") String clientId) {
        if (!broker.disconnect(clientId)) {
            throw ApiException.notFound("client '" + clientId + "' is not connected");
        }
        return Response.noContent().build();
    }

    @GET
    @Path("subscriptions")
    @Operation(summary = "Every subscription of every session")
    public List<BrokerViews.SubscriptionView> subscriptions() {
        return broker.subscriptions().snapshot().stream()
                .map(BrokerViews::subscription)
                .sorted(Comparator.comparing(BrokerViews.SubscriptionView::filter)
                        .thenComparing(BrokerViews.SubscriptionView::clientId))
                .toList();
    }

    @GET
    @Path("retained")
    @Operation(summary = "Retained messages whose topic matches a filter")
    public List<BrokerViews.RetainedView> retained(
            @Parameter(description = "MQTT topic filter, e.g. acme/+/press/#") @QueryParam("filter") @DefaultValue("#")
            String filter) {
        String problem = Topics.validateFilter(filter);
        if (problem != null || Topics.isShared(filter)) {
            throw ApiException.badRequest("invalid filter '" + filter + "': "
                    + (problem != null ? problem : "shared subscription filters do not apply"));
        }
        return broker.retained().matching(filter).stream()
                .map(BrokerViews::retained)
                .sorted(Comparator.comparing(BrokerViews.RetainedView::topic))
                .toList();
    }

    private MqttConnection connectionOf(Session session) {
        return broker.connection(session.clientId()).orElse(null);
    }
}
