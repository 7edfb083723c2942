package io.unshub.opcua.browse;

import io.unshub.opcua.config.BrowseConfig;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseNextResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

import java.util.ArrayList;
import java.util.List;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/** Browses the children of a node (forward references, following continuation points). Blocking; stateless. */
public final class NodeBrowser {

    private NodeBrowser() {
    }

    public static List<ReferenceDescription> children(OpcUaClient client, NodeId node, BrowseConfig.References refs)
            throws UaException {
        NodeId referenceType = refs == BrowseConfig.References.hierarchical
                ? NodeIds.HierarchicalReferences : NodeIds.Organizes;
        List<ReferenceDescription> out = new ArrayList<>();
        browseAll(client, describe(node, referenceType), out);
        if (refs == BrowseConfig.References.organizes) {
            // Organizes alone misses the components of objects (the usual PLC shape): add HasComponent.
            browseAll(client, describe(node, NodeIds.HasComponent), out);
        }
        return out;
    }

    private static BrowseDescription describe(NodeId node, NodeId referenceType) {
        return new BrowseDescription(node, BrowseDirection.Forward, referenceType, true,
                uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue()),
                uint(BrowseResultMask.All.getValue()));
    }

    private static void browseAll(OpcUaClient client, BrowseDescription description, List<ReferenceDescription> out)
            throws UaException {
        BrowseResult result = client.browse(description);
        collect(out, result);
        ByteString continuation = result.getContinuationPoint();
        while (continuation != null && continuation.isNotNull()) {
            BrowseNextResponse next = client.browseNext(false, List.of(continuation));
            BrowseResult nextResult = next.getResults()[0];
            collect(out, nextResult);
            continuation = nextResult.getContinuationPoint();
        }
    }

    private static void collect(List<ReferenceDescription> out, BrowseResult result) throws UaException {
        if (result.getStatusCode() != null && result.getStatusCode().isBad()) {
            throw new UaException(result.getStatusCode(), "browse failed");
        }
        if (result.getReferences() != null) {
            out.addAll(List.of(result.getReferences()));
        }
    }

    public static List<BrowseEntry> entries(OpcUaClient client, NodeId node) throws UaException {
        NamespaceTable namespaces = client.getNamespaceTable();
        List<BrowseEntry> out = new ArrayList<>();
        for (ReferenceDescription r : children(client, node, BrowseConfig.References.hierarchical)) {
            out.add(new BrowseEntry(parseable(r, namespaces), r.getBrowseName().getName(),
                    r.getDisplayName() == null ? null : r.getDisplayName().getText(),
                    r.getNodeClass() == null ? null : r.getNodeClass().name()));
        }
        return out;
    }

    /** The child's NodeId with its namespace URI, the form opcua.yaml wants. */
    static String parseable(ReferenceDescription r, NamespaceTable namespaces) {
        return r.getNodeId().toNodeId(namespaces)
                .map(id -> id.getNamespaceIndex().intValue() == 0 ? id.toParseableString()
                        : id.expanded(namespaces).toParseableString())
                .orElse(r.getNodeId().toParseableString());
    }
}
