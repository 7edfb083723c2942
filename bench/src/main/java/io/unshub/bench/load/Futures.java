package io.unshub.bench.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

final class Futures {

    private Futures() {
    }

    /**
     * Starts {@code operation} on every item at once and waits for all of them.
     *
     * @throws IllegalStateException naming {@code what} when one fails or they do not finish within {@code timeout}
     */
    static <T> void awaitAll(List<T> items, Function<T, CompletableFuture<?>> operation, Duration timeout, String what)
            throws InterruptedException {
        CompletableFuture<?>[] futures = items.stream().map(operation).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(futures).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            long done = Arrays.stream(futures).filter(CompletableFuture::isDone).count();
            throw new IllegalStateException(what + " timed out after " + timeout.toSeconds() + " s ("
                    + done + " of " + futures.length + " done)", e);
        }
    }

    /** Like {@link #awaitAll} but for teardown: failures and time-outs are reported, not thrown. */
    static <T> void awaitAllQuietly(List<T> items, Function<T, CompletableFuture<?>> operation, Duration timeout,
                                    String what) throws InterruptedException {
        try {
            awaitAll(items, operation, timeout, what);
        } catch (IllegalStateException e) {
            System.err.println("warning: " + e.getMessage());
        }
    }
}
