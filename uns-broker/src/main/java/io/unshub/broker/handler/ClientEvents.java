package io.unshub.broker.handler;

/** Connection lifecycle notifications, published as $SYS events and used for REST listings. */
public interface ClientEvents {

    void connected(MqttConnection connection);

    void disconnected(MqttConnection connection, String reason);

    ClientEvents NONE = new ClientEvents() {
        @Override
        public void connected(MqttConnection connection) {
        }

        @Override
        public void disconnected(MqttConnection connection, String reason) {
        }
    };
}
