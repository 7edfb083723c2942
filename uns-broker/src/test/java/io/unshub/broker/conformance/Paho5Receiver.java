package io.unshub.broker.conformance;

import io.unshub.broker.testing.BrokerFixture;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An Eclipse Paho MQTT 5 async client whose messages land in a queue, for the properties Paho exposes and
 * HiveMQ does not (subscription identifiers). Close it to disconnect.
 */
final class Paho5Receiver implements AutoCloseable {

    record Received(String topic, MqttMessage message) {
    }

    final MqttAsyncClient client;
    final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();

    Paho5Receiver(BrokerFixture fixture, String clientId) throws MqttException {
        client = new MqttAsyncClient(fixture.tcpUri(), clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                messages.add(new Received(topic, message));
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options).waitForCompletion(5_000);
    }

    /** Subscribes one filter, with a subscription identifier when {@code subscriptionId > 0}; returns the reason codes. */
    int[] subscribe(String filter, int qos, int subscriptionId) throws MqttException {
        MqttProperties properties = new MqttProperties();
        if (subscriptionId > 0) {
            properties.setSubscriptionIdentifier(subscriptionId);
        }
        IMqttToken token = client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, qos)}, null, null,
                properties);
        token.waitForCompletion(5_000);
        return token.getReasonCodes();
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2_000);
            }
        } finally {
            client.close(true);
        }
    }
}
