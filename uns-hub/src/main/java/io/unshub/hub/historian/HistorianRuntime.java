package io.unshub.hub.historian;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.topic.Topics;
import io.unshub.historian.Historian;
import io.unshub.historian.export.ExportSettings;
import io.unshub.historian.ingest.IngestSettings;
import io.unshub.historian.pgwire.PgWireListener;
import io.unshub.historian.pgwire.PgWireSettings;
import io.unshub.historian.query.AggregateSource;
import io.unshub.historian.query.ExternalQuerySettings;
import io.unshub.historian.query.ExternalQueryStatus;
import io.unshub.historian.query.HistoryException;
import io.unshub.historian.query.HistoryReader;
import io.unshub.historian.query.QuestDbHttpAggregates;
import io.unshub.historian.retention.RetentionPolicy;
import io.unshub.hub.config.HistorianConfig;
import io.unshub.hub.config.InvalidConfigException;
import io.unshub.hub.config.UnsConfig;
import io.unshub.hub.namespace.NamespaceRuntime;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The historian as the hub runs it: opened from {@code uns.historian.*} (store and readers usable at once),
 * fed from the bus after the broker started (lifecycle priority 20), drained and closed before the broker
 * stops. Produces the {@link HistoryReader} every history and replay door reads through, and chooses where
 * aggregates are read ({@code uns.historian.query.target}: the embedded store or an external QuestDB). With
 * {@code uns.historian.pg.enabled=true} it also opens the read-only PostgreSQL wire listener after ingest
 * started and closes it first on the way down, before the store. Start and stop run on the lifecycle thread;
 * {@link #pgListener()} is read by the banner and health check after start-up.
 */
@Singleton
public class HistorianRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(HistorianRuntime.class);

    static final HistoryReader DISABLED = range -> {
        throw new HistoryException("the historian is disabled (uns.historian.enabled=false)", null);
    };

    private final HistorianConfig config;
    private final UnsBus bus;
    private final PgWireSettings pgSettings;
    private final Historian historian;
    private final QuestDbHttpAggregates external;
    private volatile PgWireListener pgListener;

    HistorianRuntime(UnsConfig uns, HistorianConfig config, NamespaceRuntime namespace, UnsBus bus) {
        this.config = config;
        this.bus = bus;
        ExternalQuerySettings query = config.enabled() ? externalQuery(config.query()) : null;
        Historian.Settings settings = config.enabled() ? settings(uns, config) : null;
        this.pgSettings = pgSettings(config);
        this.historian = settings != null ? Historian.open(settings, namespace::current) : null;
        this.external = query == null ? null : new QuestDbHttpAggregates(query);
    }

    /** The external query server, or {@code null} when aggregates read the embedded store. */
    static ExternalQuerySettings externalQuery(HistorianConfig.Query query) {
        String target = query.target().trim();
        if (target.equals("embedded")) {
            return null;
        }
        if (!target.equals("external")) {
            throw new InvalidConfigException("uns.historian.query.target", "must be embedded or external, was '"
                    + query.target() + "'");
        }
        HistorianConfig.Query.External e = query.external();
        String url = e.url().map(String::trim).filter(u -> !u.isEmpty()).orElseThrow(() -> new InvalidConfigException(
                "uns.historian.query.external.url", "is required when uns.historian.query.target=external"));
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException ex) {
            throw new InvalidConfigException("uns.historian.query.external.url", "is not a URL: " + ex.getMessage());
        }
        String username = e.username().filter(u -> !u.isEmpty()).orElse(null);
        String password = e.password().orElse(null);
        String token = e.token().filter(t -> !t.isEmpty()).orElse(null);
        if (e.timeout().isZero() || e.timeout().isNegative()) {
            throw new InvalidConfigException("uns.historian.query.external.timeout", "must be positive, was " + e.timeout());
        }
        if (username != null && password == null) {
            throw new InvalidConfigException("uns.historian.query.external.password",
                    "is required with uns.historian.query.external.username");
        }
        if (username == null && password != null) {
            throw new InvalidConfigException("uns.historian.query.external.username",
                    "is required with uns.historian.query.external.password");
        }
        if (username != null && token != null) {
            throw new InvalidConfigException("uns.historian.query.external.token",
                    "give either a token or username and password, not both");
        }
        try {
            return new ExternalQuerySettings(uri, username, password, token, e.timeout());
        } catch (IllegalArgumentException ex) {
            throw new InvalidConfigException("uns.historian.query.external.url", ex.getMessage());
        }
    }

    /** The PG wire listener's settings, or {@code null} when it is off; a bad value names its key. */
    static PgWireSettings pgSettings(HistorianConfig config) {
        HistorianConfig.Pg pg = config.pg();
        if (!pg.enabled()) {
            return null;
        }
        if (!config.enabled()) {
            throw new InvalidConfigException("uns.historian.pg.enabled",
                    "needs the historian, but uns.historian.enabled=false");
        }
        String password = pg.password().filter(p -> !p.isEmpty()).orElseThrow(() -> new InvalidConfigException(
                "uns.historian.pg.password", "is required when uns.historian.pg.enabled=true"));
        if (pg.user().isBlank()) {
            throw new InvalidConfigException("uns.historian.pg.user", "must not be empty");
        }
        if (pg.port() < 0 || pg.port() > 65_535) {
            throw new InvalidConfigException("uns.historian.pg.port", "must be 0..65535, was " + pg.port());
        }
        try {
            return new PgWireSettings(pg.host().trim(), pg.port(), pg.user(), password);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("uns.historian.pg.host", e.getMessage());
        }
    }

    static Historian.Settings settings(UnsConfig uns, HistorianConfig config) {
        positive("uns.historian.batch-size", config.batchSize());
        positive("uns.historian.queue-capacity", config.queueCapacity());
        if (config.flushInterval().isZero() || config.flushInterval().isNegative()) {
            throw new InvalidConfigException("uns.historian.flush-interval", "must be positive, was " + config.flushInterval());
        }
        List<String> include = filters("uns.historian.include", config.include().orElse(List.of()));
        List<String> exclude = filters("uns.historian.exclude", config.exclude().orElse(List.of()));
        HistorianConfig.Retention r = config.retention();
        if (r.defaultDays() < 0) {
            throw new InvalidConfigException("uns.historian.retention.default-days", "must not be negative, was " + r.defaultDays());
        }
        for (Map.Entry<String, Integer> e : r.classes().entrySet()) {
            if (e.getValue() < 0) {
                throw new InvalidConfigException("uns.historian.retention.classes." + e.getKey(),
                        "must not be negative, was " + e.getValue());
            }
        }
        if (r.interval().isZero() || r.interval().isNegative()) {
            throw new InvalidConfigException("uns.historian.retention.interval", "must be positive, was " + r.interval());
        }
        return new Historian.Settings(Path.of(uns.dataDir(), "historian"),
                new IngestSettings(config.queueCapacity(), config.batchSize(), config.flushInterval(),
                        config.retryBackoffMax()),
                include, exclude, config.storeUnclassified(), new RetentionPolicy(r.defaultDays(), r.classes()),
                r.interval(), export(config.export()));
    }

    private static ExportSettings export(HistorianConfig.Export export) {
        if (!export.enabled()) {
            return null;
        }
        String url = export.url().filter(u -> !u.isBlank()).orElseThrow(() -> new InvalidConfigException(
                "uns.historian.export.url", "is required when uns.historian.export.enabled=true"));
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new InvalidConfigException("uns.historian.export.url", "must be an http:// or https:// URL, was '" + url + "'");
        }
        positive("uns.historian.export.batch-size", export.batchSize());
        positive("uns.historian.export.buffer-limit", export.bufferLimit());
        return new ExportSettings(url, export.token().orElse(""), export.org(), export.bucket(), export.batchSize(),
                export.flushInterval(), export.bufferLimit(), export.maxRetries(), export.maxRetryDelay());
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new InvalidConfigException(key, "must be positive, was " + value);
        }
    }

    private static List<String> filters(String key, List<String> filters) {
        for (String filter : filters) {
            String problem = Topics.validateFilter(filter.trim());
            if (problem != null) {
                throw new InvalidConfigException(key, "'" + filter + "' is not a topic filter: " + problem);
            }
        }
        return filters.stream().map(String::trim).toList();
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        if (historian != null) {
            historian.start(bus);
        }
        if (external != null) {
            LOG.info("Historian: aggregates read from the external QuestDB at {}; raw history and replay read the "
                    + "embedded store{}", external.status().url(), config.export().enabled() ? ""
                    : " (this hub's export is off: the external server must be filled by another writer)");
        }
        if (pgSettings != null) {
            try {
                pgListener = PgWireListener.start(historian.store().engine(), pgSettings);
            } catch (IllegalStateException e) {
                throw new InvalidConfigException("uns.historian.pg.port", e.getMessage());
            }
            LOG.info("Historian: read-only PostgreSQL wire listener on {}:{}, user {}, database qdb",
                    pgSettings.host(), pgListener.port(), pgSettings.user());
        }
    }

    void onStop(@Observes @Priority(Integer.MAX_VALUE - 20) ShutdownEvent event) {
        PgWireListener listener = pgListener;
        if (listener != null) {
            // Its worker runs queries on the engine: it stops before the store closes.
            pgListener = null;
            listener.close();
        }
        if (historian != null) {
            historian.stop(config.drainTimeout().toMillis());
        }
        if (external != null) {
            external.close();
        }
    }

    /** The PostgreSQL wire listener, or {@code null} when it is off (or not started yet, or stopped). */
    public PgWireListener pgListener() {
        return pgListener;
    }

    /** The historian, or {@code null} when {@code uns.historian.enabled=false}. */
    public Historian historian() {
        return historian;
    }

    /**
     * Where aggregates are read: the external QuestDB when {@code uns.historian.query.target=external}, else the
     * embedded store; {@code null} when the historian is disabled.
     */
    public AggregateSource aggregates() {
        if (historian == null) {
            return null;
        }
        return external != null ? external : historian.aggregates();
    }

    /** The external query server's counters, or {@code null} when aggregates read the embedded store. */
    public ExternalQueryStatus externalQueryStatus() {
        return external == null ? null : external.status();
    }

    @Produces
    @Singleton
    HistoryReader reader() {
        return historian != null ? historian.reader() : DISABLED;
    }
}
