package io.unshub.hub.historian;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.historian.Historian;
import io.unshub.historian.query.AggregateBucket;
import io.unshub.historian.query.AggregateQuery;
import io.unshub.historian.query.HistoryException;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryRecord;
import io.unshub.historian.query.UpstreamQueryException;
import io.unshub.hub.api.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.OutputStream;
import java.util.List;

/** History: raw messages page by page (JSON or NDJSON) and time-bucketed aggregates of decoded values. */
@Path("/api/v1/history")
@Tag(name = "History", description = "Stored messages and aggregates of decoded values")
public class HistoryResource {

    static final String NDJSON = "application/x-ndjson";
    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 10_000;

    @Inject
    HistorianRuntime runtime;

    @Inject
    ObjectMapper json;

    @GET
    @Produces({MediaType.APPLICATION_JSON, NDJSON})
    @Operation(summary = "Stored messages matching a topic filter in [from, to), in sequence order; page with "
            + "cursor = the previous page's nextCursor. An open range (from or to missing) needs a limit. Always read "
            + "from the embedded store (the raw log is not exported).")
    public Response history(
            @Parameter(description = "MQTT topic filter (default #)") @QueryParam("filter") String filter,
            @Parameter(description = "Start, inclusive: epoch ms or ISO-8601") @QueryParam("from") String from,
            @Parameter(description = "End, exclusive: epoch ms or ISO-8601") @QueryParam("to") String to,
            @Parameter(description = "Page size, 1 to 10000 (default 1000 when from and to are given)")
            @QueryParam("limit") String limit,
            @Parameter(description = "Continue after this sequence number") @QueryParam("cursor") String cursor,
            @Parameter(description = "json (default) or ndjson; Accept: application/x-ndjson works too")
            @QueryParam("format") String format,
            @HeaderParam("Accept") String accept) {
        Historian historian = historian();
        boolean ndjson = ndjson(format, accept);
        long fromMillis = TimeParam.parse("from", from, 0);
        long toMillis = TimeParam.parse("to", to, Long.MAX_VALUE);
        if ((from == null || to == null) && (limit == null || limit.isBlank())) {
            throw ApiException.badRequest("an open time range (from or to missing) needs a limit");
        }
        if (fromMillis >= toMillis) {
            throw ApiException.badRequest("from must be before to");
        }
        int pageSize = limit == null || limit.isBlank() ? DEFAULT_LIMIT : intParam("limit", limit, 1, MAX_LIMIT);
        long after = cursor == null || cursor.isBlank() ? -1 : longParam("cursor", cursor);
        List<HistoryRecord> records;
        try {
            records = historian.reader().read(new HistoryRange(filter(filter), fromMillis, toMillis, after, pageSize));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("filter: " + e.getMessage());
        } catch (HistoryException e) {
            throw unavailable(e);
        }
        Long next = records.size() == pageSize ? records.get(records.size() - 1).sequence() : null;
        if (!ndjson) {
            return Response.ok(new HistoryViews.Page(records.stream().map(HistoryViews.Item::of).toList(), next),
                    MediaType.APPLICATION_JSON).build();
        }
        StreamingOutput body = (OutputStream out) -> {
            for (HistoryRecord r : records) {
                out.write(json.writeValueAsBytes(HistoryViews.Item.of(r)));
                out.write('\n');
            }
        };
        Response.ResponseBuilder response = Response.ok(body, NDJSON);
        if (next != null) {
            response.header("X-Next-Cursor", next);
        }
        return response.build();
    }

    @GET
    @Path("aggregate")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "avg, min, max, first, last or count of the decoded numeric values of each topic matching "
            + "the filter, in buckets of 'every' (500T = 500 ms, 10s, 5m, 1h, 1d) over [from, to); read from the "
            + "embedded store or, with uns.historian.query.target=external, from the external QuestDB the export "
            + "writes to (503 when it cannot be reached, 502 when it answers with an error)")
    public HistoryViews.Aggregate aggregate(
            @Parameter(description = "MQTT topic filter (default #)") @QueryParam("filter") String filter,
            @Parameter(description = "Start, inclusive: epoch ms or ISO-8601 (required)") @QueryParam("from") String from,
            @Parameter(description = "End, exclusive: epoch ms or ISO-8601 (required)") @QueryParam("to") String to,
            @Parameter(description = "Bucket width, e.g. 1m") @QueryParam("every") String every,
            @Parameter(description = "avg, min, max, first, last or count") @QueryParam("fn") String fn) {
        historian();
        if (from == null || to == null) {
            throw ApiException.badRequest("from and to are required");
        }
        long fromMillis = TimeParam.parse("from", from, 0);
        long toMillis = TimeParam.parse("to", to, 0);
        String topicFilter = filter(filter);
        AggregateQuery query;
        try {
            query = new AggregateQuery(topicFilter, fromMillis, toMillis, every, fn);
            io.unshub.historian.query.TopicFilterSql.condition(topicFilter);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        List<AggregateBucket> buckets;
        try {
            buckets = runtime.aggregates().aggregate(query);
        } catch (UpstreamQueryException e) {
            throw new ApiException(Response.Status.BAD_GATEWAY, "history server error", e.getMessage());
        } catch (HistoryException e) {
            throw unavailable(e);
        }
        return new HistoryViews.Aggregate(topicFilter, fromMillis, toMillis, query.every(), query.fn(),
                HistoryViews.series(buckets));
    }

    private Historian historian() {
        Historian historian = runtime.historian();
        if (historian == null) {
            throw new ApiException(Response.Status.NOT_FOUND, "not found",
                    "the historian is disabled (uns.historian.enabled=false)");
        }
        return historian;
    }

    private static String filter(String filter) {
        return filter == null || filter.isEmpty() ? "#" : filter;
    }

    private static boolean ndjson(String format, String accept) {
        if (format != null && !format.isBlank()) {
            return switch (format.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "json" -> false;
                case "ndjson" -> true;
                default -> throw ApiException.badRequest("format must be json or ndjson, was '" + format + "'");
            };
        }
        return accept != null && accept.contains(NDJSON);
    }

    private static int intParam(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v < min || v > max) {
                throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", was " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a number, was '" + value + "'");
        }
    }

    private static long longParam(String name, String value) {
        try {
            long v = Long.parseLong(value.trim());
            if (v < 0) {
                throw ApiException.badRequest(name + " must not be negative, was " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a sequence number, was '" + value + "'");
        }
    }

    private static ApiException unavailable(HistoryException e) {
        return new ApiException(Response.Status.SERVICE_UNAVAILABLE, "history unavailable", e.getMessage());
    }
}
