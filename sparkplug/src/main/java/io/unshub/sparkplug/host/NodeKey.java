package io.unshub.sparkplug.host;

/** An Edge Node Descriptor: group id and edge node id. */
public record NodeKey(String group, String node) {

    @Override
    public String toString() {
        return group + "/" + node;
    }
}
