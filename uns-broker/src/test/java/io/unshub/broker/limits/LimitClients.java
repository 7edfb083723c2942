package io.unshub.broker.limits;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.unshub.broker.testing.MqttClients;
import io.unshub.broker.testing.RawMqttClient;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/** Clients for the limit tests: HiveMQ clients and raw sockets from a chosen loopback address (127.0.0.0/8). */
final class LimitClients {

    private LimitClients() {
    }

    /** An unconnected HiveMQ MQTT 5 client whose connection comes from {@code localIp}; closed after the test. */
    static Mqtt5AsyncClient v5From(MqttClients clients, int port, String id, String localIp) {
        Mqtt5AsyncClient client = Mqtt5Client.builder().identifier(id)
                .transportConfig().serverHost("127.0.0.1").serverPort(port).localAddress(localIp).applyTransportConfig()
                .buildAsync();
        clients.track(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    /**
     * Opens a TCP connection from {@code localIp} and sends an MQTT 3.1.1 CONNECT. Returns the socket when the
     * broker accepted (CONNACK 0), or null when it closed the connection instead (nothing else is expected).
     */
    static Socket rawConnect(int port, String localIp, String clientId) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localIp, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000); // the kernel accepts, whatever the limits
        socket.setSoTimeout(5_000);
        try {
            socket.getOutputStream().write(RawMqttClient.packet(0x10, RawMqttClient.connectBody(4, clientId)));
            InputStream in = socket.getInputStream();
            byte[] connAck = in.readNBytes(4);
            if (connAck.length == 4 && connAck[0] == 0x20 && connAck[3] == 0) {
                return socket;
            }
            if (connAck.length != 0) {
                throw new AssertionError("expected CONNACK 0 or a closed connection, got " + connAck.length + " bytes");
            }
        } catch (SocketException e) {
            // reset by the broker while we wrote or read: refused like a plain close
        }
        socket.close();
        return null;
    }
}
