package io.unshub.opcua.testing;

import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
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
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.XmlElement;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.Range;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Eclipse Milo OPC UA server in the test's process, simulating a PLC: namespace {@value #NAMESPACE}
 * with {@code Plant/Line1} (Temperature with an EURange, Running, Recipe, Counters, a writable Setpoint) and
 * {@code Plant/Types} (one variable per built-in type). It can stop and start again on the same port, like
 * a PLC that reboots. Values are set from the test thread with {@link #set}.
 */
public final class SimulatedPlc implements AutoCloseable {

    public static final String NAMESPACE = "urn:uns:test";
    public static final String USER = "operator";
    public static final String PASSWORD = "s3cret";

    /** The initial value of every Types/ variable. */
    public static final Map<String, Object> TYPES = types();

    private final int port;
    private final SecurityPolicy policy;
    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final KeyPair userKeyPair;
    private final X509Certificate userCertificate;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private OpcUaServer server;
    private Namespace namespace;

    public SimulatedPlc(SecurityPolicy policy) {
        this.port = freePort();
        this.policy = policy;
        try {
            this.keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            this.certificate = new SelfSignedCertificateBuilder(keyPair)
                    .setCommonName("Simulated PLC")
                    .setApplicationUri("urn:uns:server")
                    .addDnsName("localhost")
                    .addIpAddress("127.0.0.1")
                    .build();
            this.userKeyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            this.userCertificate = new SelfSignedCertificateBuilder(userKeyPair).setCommonName("plc operator")
                    .setApplicationUri("urn:uns:operator").build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        values.put("Line1/Temperature", 20.0);
        values.put("Line1/Running", true);
        values.put("Line1/Recipe", "A-100");
        values.put("Line1/Counters", new Integer[]{1, 2, 3});
        values.put("Line1/Setpoint", 50.0);
        TYPES.forEach((k, v) -> values.put("Types/" + k, v));
    }

    public SimulatedPlc() {
        this(SecurityPolicy.None);
    }

    /** A PLC with {@code bulkTags} more Double variables {@code Bulk/T00000...}, for load tests. */
    public SimulatedPlc(int bulkTags) {
        this(SecurityPolicy.None);
        for (int i = 0; i < bulkTags; i++) {
            values.put(bulkName(i), 0.0);
        }
    }

    public static String bulkName(int i) {
        return String.format("Bulk/T%05d", i);
    }

    private static Map<String, Object> types() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("Boolean", true);
        t.put("SByte", (byte) -8);
        t.put("Byte", UByte.valueOf(200));
        t.put("Int16", (short) -1600);
        t.put("UInt16", UShort.valueOf(65_000));
        t.put("Int32", -32_000_000);
        t.put("UInt32", UInteger.valueOf(4_000_000_000L));
        t.put("Int64", Long.MIN_VALUE);
        t.put("UInt64", ULong.MAX);
        t.put("Float", 42.1f);
        t.put("Double", 3.141592653589793);
        t.put("String", "Grüße \"PLC\"\n");
        t.put("DateTime", new DateTime(Instant.parse("2026-11-22T10:15:30.123Z")));
        t.put("Guid", UUID.fromString("72962b91-fa75-4ae6-8d28-b404dc7daf63"));
        t.put("ByteString", ByteString.of(new byte[]{1, 2, 3, (byte) 0xff}));
        t.put("XmlElement", new XmlElement("<a>1</a>"));
        t.put("NodeId", new NodeId(2, "Line1/Temperature"));
        t.put("StatusCode", new StatusCode(0x80310000L));
        t.put("QualifiedName", new QualifiedName(2, "Speed"));
        t.put("LocalizedText", new LocalizedText("de", "Presse"));
        t.put("DoubleArray", new Double[]{1.5, -2.0});
        t.put("StringArray", new String[]{"a", "b"});
        return t;
    }

    public String endpoint() {
        return "opc.tcp://127.0.0.1:" + port + "/plc";
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the one user certificate the PLC accepts, with its key, as a PKCS12 key store. */
    public void writeUserKeyStore(java.nio.file.Path file, String password) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("operator", userKeyPair.getPrivate(), password.toCharArray(),
                new java.security.cert.Certificate[]{userCertificate});
        try (var out = java.nio.file.Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
    }

    public SimulatedPlc start() {
        try {
            MemoryCertificateStore store = new MemoryCertificateStore();
            CertificateFactory factory = new CertificateFactory() {
                @Override
                public KeyPair createKeyPair(NodeId certificateTypeId) {
                    return keyPair;
                }

                @Override
                public X509Certificate[] createCertificateChain(NodeId certificateTypeId, KeyPair pair) {
                    return new X509Certificate[]{certificate};
                }

                @Override
                public ByteString createSigningRequest(NodeId id, KeyPair pair, org.bouncycastle.asn1.x500.X500Name name,
                                                       String uri, List<String> dns, List<String> ips) {
                    throw new UnsupportedOperationException();
                }
            };
            // The test PLC trusts every client certificate; the hub's side of trust is what is under test.
            DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(new MemoryTrustListManager(),
                    store, factory, (chain, uri, hosts) -> { });
            var endpoint = EndpointConfig.newBuilder()
                    .setBindAddress("127.0.0.1").setHostname("127.0.0.1").setBindPort(port).setPath("/plc")
                    .setCertificate(certificate)
                    .addTokenPolicies(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS,
                            OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME, OpcUaServerConfig.USER_TOKEN_POLICY_X509);
            Set<EndpointConfig> endpoints = policy == SecurityPolicy.None
                    ? Set.of(endpoint.setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None)
                    .build())
                    : Set.of(endpoint.copy().setSecurityPolicy(SecurityPolicy.None)
                            .setSecurityMode(MessageSecurityMode.None).build(),
                    endpoint.copy().setSecurityPolicy(policy).setSecurityMode(MessageSecurityMode.SignAndEncrypt)
                            .build());
            OpcUaServerConfig config = OpcUaServerConfig.builder()
                    .setApplicationUri("urn:uns:server")
                    .setApplicationName(LocalizedText.english("Simulated PLC"))
                    .setProductUri("urn:uns")
                    .setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine(), group))
                    .setIdentityValidator(new CompositeValidator(AnonymousIdentityValidator.INSTANCE,
                            new UsernameIdentityValidator(c -> USER.equals(c.getUsername())
                                    && PASSWORD.equals(c.getPassword())),
                            new X509IdentityValidator(userCertificate::equals)))
                    .setEndpoints(endpoints)
                    .build();
            server = new OpcUaServer(config,
                    profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
            namespace = new Namespace(server);
            namespace.startup();
            server.startup().get(10, TimeUnit.SECONDS);
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("the simulated PLC did not start", e);
        }
    }

    public void stop() {
        if (server != null) {
            try {
                namespace.shutdown();
                server.shutdown().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the simulated PLC did not stop", e);
            }
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Sets a variable ({@code Line1/Temperature}, {@code Types/Int32}, ...) as a PLC program would. */
    public void set(String name, Object value) {
        set(name, value, DateTime.now());
    }

    /** Sets a variable with an explicit source timestamp. */
    public void set(String name, Object value, DateTime sourceTime) {
        values.put(name, value);
        namespace.nodes.get(name).setValue(new DataValue(new Variant(value), StatusCode.GOOD, sourceTime));
    }

    /** The variable's current value (after writes by the hub). */
    public Object get(String name) {
        return namespace.nodes.get(name).getValue().getValue().getValue();
    }

    /** Monitored items the server holds across all sessions. */
    public long monitoredItems() {
        return server.getMonitoredItemCount().get();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Namespace extends ManagedNamespaceWithLifecycle {

        final SubscriptionModel subscriptions;
        final Map<String, UaVariableNode> nodes = new LinkedHashMap<>();

        Namespace(OpcUaServer server) {
            super(server, NAMESPACE);
            subscriptions = new SubscriptionModel(server, this);
            getLifecycleManager().addLifecycle(subscriptions);
            getLifecycleManager().addStartupTask(this::build);
        }

        private void build() {
            UaFolderNode plant = folder("Plant", "Plant");
            plant.addReference(new Reference(plant.getNodeId(), NodeIds.Organizes,
                    NodeIds.ObjectsFolder.expanded(), false));
            UaFolderNode line = folder("Line1", "Line1");
            plant.addOrganizes(line);
            UaFolderNode types = folder("Types", "Types");
            plant.addOrganizes(types);
            UaFolderNode bulk = folder("Bulk", "Bulk");
            plant.addOrganizes(bulk);
            values.forEach((name, value) -> {
                UaFolderNode parent = name.startsWith("Line1/") ? line : name.startsWith("Bulk/") ? bulk : types;
                UaVariableNode node = variable(name, value);
                parent.addOrganizes(node);
                nodes.put(name, node);
            });
            UaVariableNode temperature = nodes.get("Line1/Temperature");
            UaVariableNode range = UaVariableNode.builder(getNodeContext())
                    .setNodeId(newNodeId("Line1/Temperature/EURange"))
                    .setBrowseName(new QualifiedName(0, "EURange"))
                    .setDisplayName(LocalizedText.english("EURange"))
                    .setDataType(NodeIds.Range)
                    .setTypeDefinition(NodeIds.PropertyType)
                    .setAccessLevel(AccessLevel.READ_ONLY)
                    .setUserAccessLevel(AccessLevel.READ_ONLY)
                    .setValue(new DataValue(new Variant(new Range(0.0, 200.0))))
                    .build();
            getNodeManager().addNode(range);
            temperature.addReference(new Reference(temperature.getNodeId(), NodeIds.HasProperty,
                    range.getNodeId().expanded(), true));
        }

        private UaFolderNode folder(String id, String name) {
            UaFolderNode folder = new UaFolderNode(getNodeContext(), newNodeId(id), newQualifiedName(name),
                    LocalizedText.english(name));
            getNodeManager().addNode(folder);
            return folder;
        }

        private UaVariableNode variable(String id, Object value) {
            String name = id.substring(id.indexOf('/') + 1);
            Class<?> type = value.getClass().isArray() ? value.getClass().getComponentType() : value.getClass();
            OpcUaDataType dataType = OpcUaDataType.fromBackingClass(type);
            UaVariableNode node = UaVariableNode.builder(getNodeContext())
                    .setNodeId(newNodeId(id))
                    .setBrowseName(newQualifiedName(name))
                    .setDisplayName(LocalizedText.english(name))
                    .setDataType(dataType.getNodeId())
                    .setValueRank(value.getClass().isArray() ? 1 : -1)
                    // Percent deadbands need an analog item (with its EURange property).
                    .setTypeDefinition(id.equals("Line1/Temperature") ? NodeIds.AnalogItemType
                            : NodeIds.BaseDataVariableType)
                    .setAccessLevel(AccessLevel.READ_WRITE)
                    .setUserAccessLevel(AccessLevel.READ_WRITE)
                    .setMinimumSamplingInterval(5.0)
                    .setValue(new DataValue(new Variant(value), StatusCode.GOOD, DateTime.now()))
                    .build();
            getNodeManager().addNode(node);
            return node;
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
