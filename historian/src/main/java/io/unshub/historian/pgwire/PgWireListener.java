package io.unshub.historian.pgwire;

import io.questdb.DefaultFactoryProvider;
import io.questdb.FactoryProvider;
import io.questdb.cairo.CairoEngine;
import io.questdb.cairo.security.SecurityContextFactory;
import io.questdb.cutlass.pgwire.DefaultPGCircuitBreakerRegistry;
import io.questdb.cutlass.pgwire.DefaultPGConfiguration;
import io.questdb.cutlass.pgwire.PGServer;
import io.questdb.cutlass.pgwire.ReadOnlyUsersAwareSecurityContextFactory;
import io.questdb.griffin.SqlExecutionContextImpl;
import io.questdb.mp.WorkerPool;
import io.questdb.network.Net;
import io.questdb.network.NetworkError;

/**
 * QuestDB's own PostgreSQL wire server on the historian's engine, for SQL clients such as Grafana: one user,
 * read-only. Every session gets QuestDB's read-only security context (the mechanism QuestDB's server uses
 * for {@code pg.security.readonly=true}), so SELECT works and INSERT, UPDATE, DDL and the like are refused
 * with an error; the built-in {@code admin}/{@code quest} login does not exist here. QuestDB's HTTP server
 * (port 9000) is never started.
 *
 * <p>Threads: the server's I/O dispatcher and every query run on one QuestDB worker thread
 * ({@code pgwire} pool) owned by this listener; {@link #start} and {@link #close} are called by the lifecycle
 * thread, and {@link #close} joins the worker before releasing the server, so it must run before the engine
 * is closed.
 */
public final class PgWireListener implements AutoCloseable {

    /**
     * Most connections served at once: each costs about 2 MiB of QuestDB buffers in the hub's process (1 MiB receive,
     * 1 MiB send), so the default 64 would allow 128 MiB. Further clients wait, unanswered, until one closes. The
     * shipped Grafana data source opens at most 4.
     */
    public static final int MAX_CONNECTIONS = 8;

    private final WorkerPool pool;
    private final PGServer server;
    private final String host;
    private final String user;

    private PgWireListener(WorkerPool pool, PGServer server, String host, String user) {
        this.pool = pool;
        this.server = server;
        this.host = host;
        this.user = user;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException    when the port cannot be bound (in use, no permission)
     */
    public static PgWireListener start(CairoEngine engine, PgWireSettings settings) {
        ReadOnlyConfiguration configuration = new ReadOnlyConfiguration(settings, ipv4(settings.host()));
        WorkerPool pool = new WorkerPool(configuration);
        PGServer server;
        try {
            server = new PGServer(configuration, engine, pool,
                    new DefaultPGCircuitBreakerRegistry(configuration, engine.getConfiguration()),
                    () -> new SqlExecutionContextImpl(engine, 1));
        } catch (NetworkError e) {
            pool.halt();
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port()
                    + ": " + e.getFlyweightMessage() + " (errno " + e.getErrno() + ")", e);
        }
        // The pool frees the server once its worker has stopped (halt), as QuestDB's own server does.
        pool.freeOnExit(server);
        pool.start();
        return new PgWireListener(pool, server, settings.host(), settings.user());
    }

    private static int ipv4(String host) {
        // PgWireSettings checked the shape: QuestDB's parser throws an Error on bad input.
        return Net.parseIPv4(host);
    }

    /** The bound port (the chosen one when the settings said 0). */
    public int port() {
        return server.getPort();
    }

    public String host() {
        return host;
    }

    public String user() {
        return user;
    }

    public boolean isListening() {
        return server.isListening();
    }

    /** Stops the worker (in-flight queries end with their connections), then closes the listener. */
    @Override
    public void close() {
        pool.halt();
    }

    /**
     * QuestDB's defaults, with our address, port and login, one worker, a small connection limit, and every
     * session read-only.
     */
    private static final class ReadOnlyConfiguration extends DefaultPGConfiguration {

        private final PgWireSettings settings;
        private final int address;
        private final FactoryProvider factories = new DefaultFactoryProvider() {
            private final SecurityContextFactory readOnly =
                    new ReadOnlyUsersAwareSecurityContextFactory(true, null, false);

            @Override
            public SecurityContextFactory getSecurityContextFactory() {
                return readOnly;
            }
        };

        ReadOnlyConfiguration(PgWireSettings settings, int address) {
            this.settings = settings;
            this.address = address;
        }

        @Override
        public int getBindIPv4Address() {
            return address;
        }

        @Override
        public int getBindPort() {
            return settings.port();
        }

        @Override
        public String getDefaultUsername() {
            return settings.user();
        }

        @Override
        public String getDefaultPassword() {
            return settings.password();
        }

        @Override
        public boolean isReadOnlyUserEnabled() {
            return false;
        }

        @Override
        public boolean readOnlySecurityContext() {
            return true;
        }

        @Override
        public FactoryProvider getFactoryProvider() {
            return factories;
        }

        @Override
        public int getWorkerCount() {
            return 1;
        }

        @Override
        public int getLimit() {
            return MAX_CONNECTIONS;
        }

        @Override
        public boolean isDaemonPool() {
            // A hub that dies without a clean stop must not be kept alive by this thread.
            return true;
        }
    }
}
