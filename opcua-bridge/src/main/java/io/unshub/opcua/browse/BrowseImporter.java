package io.unshub.opcua.browse;

import io.unshub.opcua.config.BrowseConfig;
import io.unshub.opcua.subscription.TagBinding;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Expands a {@link BrowseConfig} into tags: every Variable below the root, up to the depth limit, becomes a
 * tag whose path is the prefix plus the browse names on the way down (characters MQTT reserves replaced by
 * '_'). Variables are leaves (their properties, such as EURange, are not tags). Blocking; stateless.
 */
public final class BrowseImporter {

    private BrowseImporter() {
    }

    public static void expand(OpcUaClient client, String location, BrowseConfig browse, Consumer<TagBinding> out)
            throws UaException {
        NodeId root = ExpandedNodeId.parse(browse.root()).toNodeIdOrThrow(client.getNamespaceTable());
        Set<NodeId> visited = new HashSet<>();
        visited.add(root);
        walk(client, location + "/" + browse.tagPrefix(), root, browse, 1, visited, out);
    }

    private static void walk(OpcUaClient client, String path, NodeId node, BrowseConfig browse, int depth,
                             Set<NodeId> visited, Consumer<TagBinding> out) throws UaException {
        List<ReferenceDescription> children = NodeBrowser.children(client, node, browse.references());
        for (ReferenceDescription child : children) {
            NodeId id = child.getNodeId().toNodeId(client.getNamespaceTable()).orElse(null);
            if (id == null || !visited.add(id)) {
                continue;
            }
            String childPath = path + "/" + segment(child.getBrowseName().getName());
            if (child.getNodeClass() == NodeClass.Variable) {
                out.accept(new TagBinding(NodeBrowser.parseable(child, client.getNamespaceTable()), childPath, null,
                        browse.item()));
            } else if (depth < browse.depth()) {
                walk(client, childPath, id, browse, depth + 1, visited, out);
            }
        }
    }

    /** A browse name as one topic level. */
    static String segment(String browseName) {
        if (browseName == null || browseName.isEmpty()) {
            return "_";
        }
        StringBuilder s = new StringBuilder(browseName.length());
        for (int i = 0; i < browseName.length(); i++) {
            char c = browseName.charAt(i);
            s.append(c == '/' || c == '+' || c == '#' || c == '$' || Character.isISOControl(c) ? '_' : c);
        }
        return s.toString();
    }
}
