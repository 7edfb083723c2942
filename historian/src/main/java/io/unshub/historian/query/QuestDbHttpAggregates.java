package io.unshub.historian.query;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link AggregateSource} over an external QuestDB's HTTP {@code /exec} JSON API, reading the tables the
 * line-protocol export writes ({@link AggregateSql#EXPORTED}): the same SQL as the embedded store, so the same
 * request gives the same buckets for the same data. No driver: the JDK's HTTP client, one request per query.
 * A server that cannot be reached or does not send its whole answer (headers and body) within the timeout is a
 * {@link HistoryException}; one that
 * answers with an error is an {@link UpstreamQueryException}; a table the export has not created yet reads as no
 * data. Called from any request thread; the counters are atomics read by health and metrics.
 */
public final class QuestDbHttpAggregates implements AggregateSource, AutoCloseable {

    /** Longest error body kept for a message. */
    private static final int MAX_ERROR_CHARS = 2_000;

    private final ExternalQuerySettings settings;
    private final String base;
    private final String authorization;
    private final HttpClient client;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong unreachable = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile Boolean lastQueryOk;
    private volatile long lastSuccessAtMillis;
    private volatile String lastError;
    private volatile long lastLatencyMillis = -1;

    public QuestDbHttpAggregates(ExternalQuerySettings settings) {
        this.settings = settings;
        String url = settings.url().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (settings.username() != null) {
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
        } else if (settings.token() != null) {
            this.authorization = "Bearer " + settings.token();
        } else {
            this.authorization = null;
        }
        // HTTP/1.1: QuestDB does not speak HTTP/2, and the JDK's h2c upgrade attempt buys nothing.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public List<AggregateBucket> aggregate(AggregateQuery query) throws HistoryException {
        String sql = AggregateSql.EXPORTED.sql(query);
        long started = System.nanoTime();
        requests.incrementAndGet();
        try {
            List<AggregateBucket> buckets = execute(sql, query.fn().equals("count"));
            lastSuccessAtMillis = System.currentTimeMillis();
            lastQueryOk = true;
            return buckets;
        } catch (UpstreamQueryException e) {
            errors.incrementAndGet();
            failed(e);
            throw e;
        } catch (HistoryException e) {
            unreachable.incrementAndGet();
            failed(e);
            throw e;
        } finally {
            lastLatencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }
    }

    private void failed(HistoryException e) {
        lastError = e.getMessage();
        lastQueryOk = false;
    }

    private List<AggregateBucket> execute(String sql, boolean count) throws HistoryException {
        URI uri = URI.create(base + "/exec?count=false&query="
                + URLEncoder.encode(sql, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                .header("Accept", "application/json").GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response = send(request.build());
        int status = response.statusCode();
        byte[] body = response.body();
        if (status == 200) {
            try {
                return ExecAnswer.buckets(new ByteArrayInputStream(body), count, AggregateSql.MAX_BUCKETS);
            } catch (UpstreamQueryException e) {
                throw new UpstreamQueryException("the external QuestDB at " + base + " answered with "
                        + e.getMessage(), e);
            } catch (IOException e) {
                throw new HistoryException("the external QuestDB at " + base + " sent an unreadable answer: "
                        + reason(e), e);
            }
        }
        String text = new String(body, 0, Math.min(body.length, MAX_ERROR_CHARS * 4), StandardCharsets.UTF_8);
        String error = ExecAnswer.error(text);
        if (status == 400 && error != null && error.toLowerCase(Locale.ROOT).contains("table does not exist")) {
            return List.of(); // the export has not written a numeric value yet
        }
        if (status == 401 || status == 403) {
            throw new UpstreamQueryException("the external QuestDB at " + base + " refused the credentials (HTTP "
                    + status + ")", null);
        }
        String detail = error != null ? error : text.isBlank() ? "no body" : text;
        if (detail.length() > MAX_ERROR_CHARS) {
            detail = detail.substring(0, MAX_ERROR_CHARS) + "...";
        }
        throw new UpstreamQueryException("the external QuestDB at " + base + " answered HTTP " + status + ": "
                + detail, null);
    }

    /**
     * The whole answer, headers and body, within the timeout: {@link HttpRequest#timeout} alone only covers the
     * headers, so a server that stalls mid-body would hold the REST worker forever. On time-out the exchange is
     * cancelled, which closes its connection.
     */
    private HttpResponse<byte[]> send(HttpRequest request) throws HistoryException {
        CompletableFuture<HttpResponse<byte[]>> exchange =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return exchange.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HistoryException("the external QuestDB at " + base + " is unreachable: it did not answer "
                    + "completely within " + settings.timeout().toMillis() + " ms (timed out)", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new HistoryException("the external QuestDB at " + base + " is unreachable: it did not answer "
                        + "within " + settings.timeout().toMillis() + " ms (timed out)", cause);
            }
            String why = cause instanceof IOException io ? reason(io) : String.valueOf(cause);
            throw new HistoryException("the external QuestDB at " + base + " is unreachable: " + why, cause);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new HistoryException("interrupted while querying the external QuestDB at " + base, e);
        }
    }

    private static String reason(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    public ExternalQueryStatus status() {
        return new ExternalQueryStatus(base, requests.get(), unreachable.get(), errors.get(), lastQueryOk,
                lastSuccessAtMillis, lastError, lastLatencyMillis);
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
