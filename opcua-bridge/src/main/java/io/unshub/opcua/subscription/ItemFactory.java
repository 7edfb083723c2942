package io.unshub.opcua.subscription;

import io.unshub.opcua.config.ItemSettings;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/** Builds the Milo monitored item for a tag: sampling, queue, discard policy and deadband filter. Stateless. */
public final class ItemFactory {

    private ItemFactory() {
    }

    public static OpcUaMonitoredItem create(NodeId node, ItemSettings settings) {
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node);
        item.setSamplingInterval(settings.samplingIntervalMs());
        item.setQueueSize(uint(settings.queueSize()));
        item.setDiscardOldest(settings.discardOldest());
        ItemSettings.Deadband deadband = settings.deadband();
        if (deadband.type() != ItemSettings.DeadbandType.none) {
            DeadbandType type = deadband.type() == ItemSettings.DeadbandType.absolute
                    ? DeadbandType.Absolute : DeadbandType.Percent;
            item.setFilter(new DataChangeFilter(DataChangeTrigger.StatusValue, uint(type.getValue()),
                    deadband.value()));
        }
        return item;
    }
}
