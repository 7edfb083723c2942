package io.unshub.hub.api;

import io.unshub.core.config.ConfigFileReloader;
import io.unshub.core.topic.Topics;
import io.unshub.hub.namespace.NamespaceRuntime;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.live.LiveNamespace;
import io.unshub.namespace.live.TopicValue;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** The ISA-95 namespace: its model, the live tree of current values, and a validator for tools. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Namespace", description = "The namespace model, the live tree of current values, topic validation")
public class NamespaceResource {

    static final int DEFAULT_PAGE = 1_000;
    static final int MAX_PAGE = 10_000;

    @Inject
    NamespaceRuntime namespace;

    @GET
    @Path("namespace")
    @Operation(summary = "The namespace model in force, its revision, and the state of hot reload")
    public NamespaceViews.ModelView model() {
        ConfigFileReloader.Status<CompiledNamespace> status = namespace.reloader().status();
        CompiledNamespace current = namespace.current();
        var model = current.model();
        LiveNamespace live = namespace.live();
        return new NamespaceViews.ModelView(model.name(), model.revision(), model.checksum(), model.source(),
                namespace.enforcing(), status.loadedAt(), status.reloads(), status.lastError(), status.lastErrorAt(),
                live.size(), live.untracked(), model);
    }

    @GET
    @Path("namespace/tree")
    @Operation(summary = "The children of a path in the live namespace, with last value, message count and last "
            + "update of each child that is a topic; browse lazily from the top (no path), page with limit/after")
    public NamespaceViews.TreeView tree(
            @Parameter(description = "A topic path without wildcards, e.g. acme/dallas/press; empty for the top")
            @QueryParam("path") @DefaultValue("") String path,
            @Parameter(description = "Page size, 1 to 10000 (default 1000)") @QueryParam("limit") String limit,
            @Parameter(description = "Continue after this child name (the previous page's 'next')")
            @QueryParam("after") String after) {
        if (path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
            throw ApiException.badRequest("path '" + path + "' must be segments separated by single '/', "
                    + "without a leading or trailing '/'");
        }
        if (path.contains("+") || path.contains("#")) {
            throw ApiException.badRequest("path '" + path + "' must not contain wildcards; use /api/v1/values?filter=");
        }
        int pageSize = pageSize(limit);
        List<LiveNamespace.Node> children = namespace.live().children(path)
                .orElseThrow(() -> ApiException.notFound("no topic in the live namespace under '" + path + "'"));
        int from = 0;
        if (after != null) {
            while (from < children.size() && children.get(from).name().compareTo(after) <= 0) {
                from++;
            }
        }
        int to = from + Math.min(children.size() - from, pageSize);
        List<NamespaceViews.NodeView> page = children.subList(from, to).stream().map(NamespaceViews::node).toList();
        String next = to < children.size() ? children.get(to - 1).name() : null;
        return new NamespaceViews.TreeView(path, namespace.current().model().revision(), page, next);
    }

    @GET
    @Path("values")
    @Operation(summary = "The current value of every topic matching a filter, in topic order, paged")
    public NamespaceViews.ValuesView values(
            @Parameter(description = "MQTT topic filter, e.g. acme/+/press/#") @QueryParam("filter")
            @DefaultValue("#") String filter,
            @Parameter(description = "Page size, 1 to 10000 (default 1000)") @QueryParam("limit") String limit,
            @Parameter(description = "Continue after this topic (the previous page's 'next')") @QueryParam("after")
            String after) {
        String problem = Topics.validateFilter(filter);
        if (problem != null || Topics.isShared(filter)) {
            throw ApiException.badRequest("invalid filter '" + filter + "': "
                    + (problem != null ? problem : "shared subscription filters do not apply"));
        }
        int pageSize = pageSize(limit);
        List<TopicValue> page = namespace.live().values(filter, after, pageSize + 1);
        boolean more = page.size() > pageSize;
        List<NamespaceViews.ValueView> values = page.stream().limit(pageSize).map(NamespaceViews::value).toList();
        String next = more ? values.get(values.size() - 1).topic() : null;
        return new NamespaceViews.ValuesView(filter, values.size(), values, next);
    }

    /** Parsed here rather than by JAX-RS, which answers a malformed number with 404 instead of 400. */
    private static int pageSize(String limit) {
        if (limit == null || limit.isEmpty()) {
            return DEFAULT_PAGE;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_PAGE) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("limit must be a whole number between 1 and " + MAX_PAGE + ", was '" + limit + "'");
    }

    @POST
    @Path("namespace/validate")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Check a topic, and optionally a payload (the request body), against the model in force "
            + "without publishing: the verdict and the rule")
    public NamespaceViews.VerdictView validate(
            @Parameter(description = "The topic name to check", required = true) @QueryParam("topic") String topic,
            @RequestBody(description = "Optional payload to check against the class's contract") byte[] payload) {
        if (topic == null || topic.isEmpty()) {
            throw ApiException.badRequest("query parameter 'topic' is required");
        }
        String problem = Topics.validateTopicName(topic);
        if (problem != null) {
            throw ApiException.badRequest("'" + topic + "' is not an MQTT topic name: " + problem);
        }
        CompiledNamespace current = namespace.current();
        byte[] body = payload == null || payload.length == 0 ? null : payload;
        return NamespaceViews.verdict(topic, current.explain(topic, body), current.model().revision());
    }
}
