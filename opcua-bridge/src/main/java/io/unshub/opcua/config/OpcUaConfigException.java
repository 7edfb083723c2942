package io.unshub.opcua.config;

import io.unshub.core.config.ConfigFileException;

/** An OPC UA connections file ({@code opcua.yaml}) that cannot be used, naming file, line and key. */
public class OpcUaConfigException extends ConfigFileException {

    public OpcUaConfigException(String file, int line, String key, String problem) {
        super(file, line, key, problem);
    }
}
