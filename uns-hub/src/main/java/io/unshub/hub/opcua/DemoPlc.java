package io.unshub.hub.opcua;

import io.unshub.hub.config.OpcUaConfig;
import io.unshub.hub.demo.DemoContext;
import io.unshub.hub.demo.DemoSource;
import io.unshub.opcua.pki.ApplicationIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.security.CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.jboss.logging.Logger;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The demo profile's PLC: a real Eclipse Milo OPC UA server in the hub's process on
 * {@code opc.tcp://127.0.0.1:<uns.opcua.demo-plc-port>/uns-demo-plc} (security None, anonymous), namespace
 * {@value #NAMESPACE_URI}, folder {@code Line3/Cell1} with a conveyor that follows a writable speed set point,
 * a temperature, a good-parts counter and a state string. The shipped {@code deploy/config/opcua.yaml} reads
 * it like any PLC, so its values reach the namespace through the OPC UA bridge and a command on
 * {@code .../_cmd/conveyor/setpoint} is written back to it. Its certificate is kept under
 * {@code <data-dir>/demo/opcua-plc}.
 *
 * <p>Threading: {@link #tick} runs on the demo scheduler's single thread, which owns the simulation fields;
 * start and stop run on the start-up and shutdown threads; Milo's threads read the nodes and write the set point.
 */
@ApplicationScoped
public class DemoPlc implements DemoSource {

    static final String NAME = "opcua-plc";
    static final String NAMESPACE_URI = "urn:unshub:demo-plc";
    static final String APPLICATION_URI = "urn:unshub:demo-plc";
    static final String PATH = "/uns-demo-plc";
    static final long PERIOD_MILLIS = 500;
    /** Node names (the NodeId's string part, {@code nsu=urn:unshub:demo-plc;s=<name>}). */
    static final String SPEED = "Line3.Cell1.ConveyorSpeed";
    static final String SETPOINT = "Line3.Cell1.ConveyorSetpoint";
    static final String TEMPERATURE = "Line3.Cell1.Temperature";
    static final String COUNT = "Line3.Cell1.GoodCount";
    static final String STATE = "Line3.Cell1.State";
    private static final Logger LOG = Logger.getLogger(DemoPlc.class);

    private final OpcUaConfig config;
    private final Random random = new Random(7);
    private OpcUaServer server;
    private PlcNamespace namespace;
    private ScheduledFuture<?> task;
    private double speed;
    private long count;
    private long tick;
    private int stoppedFor;

    DemoPlc(OpcUaConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return "OPC UA server " + endpoint() + " (conveyor speed, set point, temperature, counter, state), values every "
                + PERIOD_MILLIS + " ms";
    }

    public String endpoint() {
        return "opc.tcp://127.0.0.1:" + config.demoPlcPort() + PATH;
    }

    @Override
    public void start(DemoContext context) throws Exception {
        ApplicationIdentity identity = ApplicationIdentity.loadOrCreate(context.dataDir().resolve("demo").resolve(NAME),
                APPLICATION_URI, "UNS hub demo PLC");
        // Security None only: the demo listens on loopback; the certificate is what clients see in the endpoints.
        DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(new MemoryTrustListManager(),
                new MemoryCertificateStore(), new FixedIdentity(identity), (chain, uri, hosts) -> { });
        EndpointConfig endpoint = EndpointConfig.newBuilder()
                .setBindAddress("127.0.0.1").setHostname("127.0.0.1").setBindPort(config.demoPlcPort()).setPath(PATH)
                .setCertificate(identity.certificate())
                .setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None)
                .addTokenPolicies(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS)
                .build();
        OpcUaServerConfig serverConfig = OpcUaServerConfig.builder()
                .setApplicationUri(identity.applicationUri())
                .setApplicationName(LocalizedText.english("UNS hub demo PLC"))
                .setProductUri("urn:unshub")
                .setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine(), group))
                .setIdentityValidator(AnonymousIdentityValidator.INSTANCE)
                .setEndpoints(Set.of(endpoint))
                .build();
        OpcUaServer s = new OpcUaServer(serverConfig,
                profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
        PlcNamespace ns = new PlcNamespace(s);
        ns.startup();
        try {
            s.startup().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            ns.shutdown();
            s.shutdown();
            throw e;
        }
        server = s;
        namespace = ns;
        speed = 30;
        task = context.scheduler().scheduleAtFixedRate(this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (task != null) {
            task.cancel(false);
        }
        if (server != null) {
            namespace.shutdown();
            try {
                server.shutdown().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("demo %s: the OPC UA server did not stop cleanly: %s", NAME, e.toString());
            }
            server = null;
        }
    }

    private void tick() {
        try {
            double t = tick++ * PERIOD_MILLIS / 1000.0;
            if (stoppedFor > 0) {
                stoppedFor--;
            } else if (random.nextInt(240) == 0) {
                stoppedFor = 10 + random.nextInt(20);
            }
            boolean running = stoppedFor == 0;
            // The conveyor ramps towards the set point (an operator's write shows within a few ticks).
            double target = running ? Math.max(0, setpoint()) : 0;
            speed += (target - speed) * 0.3;
            double measured = speed == 0 ? 0 : speed + 0.2 * random.nextGaussian();
            if (running && random.nextInt(2) == 0) {
                count++;
            }
            namespace.set(SPEED, Math.round(measured * 100) / 100.0);
            namespace.set(TEMPERATURE, Math.round((38 + 4 * Math.sin(2 * Math.PI * t / 120)
                    + 0.3 * random.nextGaussian()) * 100) / 100.0);
            namespace.set(COUNT, count);
            namespace.set(STATE, running ? "running" : "idle");
        } catch (RuntimeException e) {
            // A failed tick must not cancel the schedule: the next one tries again.
            LOG.warnf(e, "demo %s: tick failed", NAME);
        }
    }

    private double setpoint() {
        return namespace.get(SETPOINT) instanceof Number n ? n.doubleValue() : 0;
    }

    /** Hands Milo the certificate kept on disk instead of letting it generate one per start. */
    private record FixedIdentity(ApplicationIdentity identity) implements CertificateFactory {

        @Override
        public KeyPair createKeyPair(NodeId certificateTypeId) {
            return identity.keyPair();
        }

        @Override
        public X509Certificate[] createCertificateChain(NodeId certificateTypeId, KeyPair keyPair) {
            return new X509Certificate[]{identity.certificate()};
        }

        @Override
        public ByteString createSigningRequest(NodeId certificateTypeId, KeyPair keyPair,
                                               org.bouncycastle.asn1.x500.X500Name subject, String applicationUri,
                                               List<String> dnsNames, List<String> ipAddresses) {
            throw new UnsupportedOperationException("the demo PLC does not take part in certificate management");
        }
    }

    /** The PLC's address space: {@code Objects/Line3/Cell1/<variables>}. */
    private static final class PlcNamespace extends ManagedNamespaceWithLifecycle {

        private final SubscriptionModel subscriptions;
        private final Map<String, UaVariableNode> nodes = new ConcurrentHashMap<>();

        PlcNamespace(OpcUaServer server) {
            super(server, NAMESPACE_URI);
            subscriptions = new SubscriptionModel(server, this);
            getLifecycleManager().addLifecycle(subscriptions);
            getLifecycleManager().addStartupTask(this::build);
        }

        private void build() {
            UaFolderNode line = folder("Line3", null);
            line.addReference(new Reference(line.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(),
                    false));
            UaFolderNode cell = folder("Line3.Cell1", line);
            variable(cell, SPEED, "ConveyorSpeed", 0.0, false);
            variable(cell, SETPOINT, "ConveyorSetpoint", 30.0, true);
            variable(cell, TEMPERATURE, "Temperature", 38.0, false);
            variable(cell, COUNT, "GoodCount", 0L, false);
            variable(cell, STATE, "State", "running", false);
        }

        private UaFolderNode folder(String id, UaFolderNode parent) {
            String name = id.substring(id.lastIndexOf('.') + 1);
            UaFolderNode folder = new UaFolderNode(getNodeContext(), newNodeId(id), newQualifiedName(name),
                    LocalizedText.english(name));
            getNodeManager().addNode(folder);
            if (parent != null) {
                parent.addOrganizes(folder);
            }
            return folder;
        }

        private void variable(UaFolderNode parent, String id, String name, Object initial, boolean writable) {
            UaVariableNode node = UaVariableNode.builder(getNodeContext())
                    .setNodeId(newNodeId(id))
                    .setBrowseName(newQualifiedName(name))
                    .setDisplayName(LocalizedText.english(name))
                    .setDataType(OpcUaDataType.fromBackingClass(initial.getClass()).getNodeId())
                    .setTypeDefinition(NodeIds.BaseDataVariableType)
                    .setAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                    .setUserAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                    .setMinimumSamplingInterval(100.0)
                    .setValue(new DataValue(new Variant(initial), StatusCode.GOOD, DateTime.now()))
                    .build();
            getNodeManager().addNode(node);
            parent.addOrganizes(node);
            nodes.put(id, node);
        }

        void set(String id, Object value) {
            nodes.get(id).setValue(new DataValue(new Variant(value), StatusCode.GOOD, DateTime.now()));
        }

        Object get(String id) {
            return nodes.get(id).getValue().getValue().getValue();
        }

        @Override
        public void onDataItemsCreated(List<DataItem> items) {
            subscriptions.onDataItemsCreated(items);
        }

        @Override
        public void onDataItemsModified(List<DataItem> items) {
            subscriptions.onDataItemsModified(items);
        }

        @Override
        public void onDataItemsDeleted(List<DataItem> items) {
            subscriptions.onDataItemsDeleted(items);
        }

        @Override
        public void onMonitoringModeChanged(List<MonitoredItem> items) {
            subscriptions.onMonitoringModeChanged(items);
        }
    }
}
