package io.unshub.opcua;

import io.unshub.core.bus.UnsBus;
import io.unshub.opcua.command.CommandHandler;
import io.unshub.opcua.config.BridgeConfig;
import io.unshub.opcua.config.ConnectionConfig;
import io.unshub.opcua.connection.OpcUaConnection;
import io.unshub.opcua.pki.ApplicationIdentity;
import io.unshub.opcua.pki.CertificateInfo;
import io.unshub.opcua.pki.ServerTrust;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The OPC UA bridge: one {@link OpcUaConnection} and one {@link CommandHandler} per configured server, a shared
 * timer for reconnect back-off, and the PKI under {@code <data-dir>/opcua/pki} ({@code own/} the hub's
 * certificate, {@code trusted/} the server certificates trusted by default, {@code rejected/} those refused).
 * Started and stopped by one lifecycle thread; connections run on their own threads.
 */
public final class OpcUaBridge {

    private final BridgeConfig config;
    private final Path pkiDir;
    private final String applicationUri;
    private final UnsBus bus;
    private final Map<String, OpcUaConnection> connections = new LinkedHashMap<>();
    private final List<CommandHandler> commands = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    public OpcUaBridge(BridgeConfig config, Path pkiDir, String applicationUri, UnsBus bus) {
        this.config = config;
        this.pkiDir = pkiDir;
        this.applicationUri = applicationUri;
        this.bus = bus;
    }

    /** Loads or creates the hub's certificate and starts every connection; never waits for a server. */
    public void start() throws IOException {
        if (config.connections().isEmpty()) {
            return;
        }
        ApplicationIdentity identity = ApplicationIdentity.loadOrCreate(pkiDir, applicationUri);
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("opcua-reconnect").factory());
        for (ConnectionConfig c : config.connections()) {
            Path trusted = c.security().trustDir() != null ? c.security().trustDir() : trustedDir();
            ServerTrust trust = new ServerTrust(c.name(), trusted, rejectedDir(), c.security().trustOnFirstUse());
            OpcUaConnection connection = new OpcUaConnection(c, bus, identity, trust, scheduler);
            connections.put(c.name(), connection);
            CommandHandler handler = new CommandHandler(connection, bus);
            commands.add(handler);
        }
        commands.forEach(CommandHandler::start);
        connections.values().forEach(OpcUaConnection::start);
    }

    public void stop(Duration timeout) {
        commands.forEach(CommandHandler::close);
        connections.values().parallelStream().forEach(c -> c.stop(timeout));
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    public List<OpcUaConnection> connections() {
        return List.copyOf(connections.values());
    }

    public Optional<OpcUaConnection> connection(String name) {
        return Optional.ofNullable(connections.get(name));
    }

    public Path trustedDir() {
        return pkiDir.resolve("trusted");
    }

    public Path rejectedDir() {
        return pkiDir.resolve("rejected");
    }

    /** Server certificates refused so far; move a file into the trust list to trust it. */
    public List<CertificateInfo> rejectedCertificates() {
        return ServerTrust.readAll(rejectedDir()).stream().map(ServerTrust.CertificateEntry::info).toList();
    }

    public BridgeConfig config() {
        return config;
    }
}
