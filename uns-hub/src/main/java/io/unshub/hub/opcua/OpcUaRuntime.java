package io.unshub.hub.opcua;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.unshub.core.bus.UnsBus;
import io.unshub.hub.config.InvalidConfigException;
import io.unshub.hub.config.OpcUaConfig;
import io.unshub.hub.config.UnsConfig;
import io.unshub.opcua.OpcUaBridge;
import io.unshub.opcua.config.BridgeConfig;
import io.unshub.opcua.config.BridgeConfigLoader;
import io.unshub.opcua.config.OpcUaConfigException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The OPC UA bridge as the hub runs it: {@code opcua.yaml} is read when the bean is created (a bad file fails
 * start-up with file:line: key), the connections start after the broker, historian and Sparkplug host
 * (priority 40) and stop before them. Connections run on their own threads; nothing here waits for a PLC.
 */
@ApplicationScoped
public class OpcUaRuntime {

    static final String FILE_KEY = "uns.opcua.file";
    private static final Logger LOG = Logger.getLogger(OpcUaRuntime.class);

    private final OpcUaConfig config;
    private final UnsConfig uns;
    private final BridgeConfig bridgeConfig;
    private final Path pkiDir;
    private volatile OpcUaBridge bridge;

    @Inject
    UnsBus bus;

    OpcUaRuntime(OpcUaConfig config, UnsConfig uns) {
        this.config = config;
        this.uns = uns;
        this.pkiDir = Path.of(config.pkiDir().orElse(uns.dataDir() + "/opcua/pki"));
        this.bridgeConfig = config.enabled() ? load() : BridgeConfig.EMPTY;
    }

    private BridgeConfig load() {
        Path file = Path.of(config.file().orElse(uns.configDir() + "/opcua.yaml"));
        if (!Files.isRegularFile(file)) {
            if (config.file().isPresent()) {
                // Only the default location may be absent: a configured file that is missing is a typo.
                throw new InvalidConfigException(FILE_KEY, "the OPC UA connections file " + file.toAbsolutePath()
                        + " does not exist");
            }
            return BridgeConfig.EMPTY;
        }
        try {
            return new BridgeConfigLoader(OpcUaRuntime::resolve).load(file);
        } catch (OpcUaConfigException e) {
            throw new InvalidConfigException(FILE_KEY, e.getMessage());
        }
    }

    /**
     * {@code ${NAME}} in opcua.yaml: the environment variable as it is (passwords must not be touched by config
     * expression expansion), else the hub's configuration, so {@code ${uns.opcua.demo-plc-port}} follows the
     * key wherever it is set (or its default).
     */
    static String resolve(String name) {
        String env = System.getenv(name);
        return env != null ? env : ConfigProvider.getConfig().getOptionalValue(name, String.class).orElse(null);
    }

    void onStart(@Observes @Priority(40) StartupEvent event) {
        OpcUaBridge b = new OpcUaBridge(bridgeConfig, pkiDir, config.applicationUri(), bus);
        try {
            b.start();
        } catch (IOException e) {
            throw new InvalidConfigException("uns.opcua.pki-dir", e.getMessage());
        }
        bridge = b;
        if (!bridgeConfig.connections().isEmpty()) {
            LOG.infof("OPC UA bridge: %d connections from %s, PKI in %s", bridgeConfig.connections().size(),
                    bridgeConfig.source(), pkiDir.toAbsolutePath());
        }
    }

    void onStop(@Observes @Priority(Integer.MAX_VALUE - 40) ShutdownEvent event) {
        OpcUaBridge b = bridge;
        if (b != null) {
            b.stop(config.stopTimeout());
        }
    }

    /** The running bridge, or {@code null} before start-up finished. */
    public OpcUaBridge bridge() {
        return bridge;
    }

    public BridgeConfig bridgeConfig() {
        return bridgeConfig;
    }
}
