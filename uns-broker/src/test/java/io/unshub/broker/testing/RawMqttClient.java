package io.unshub.broker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * A byte-level MQTT client for malformed and illegal input: it writes exactly the bytes a test gives it
 * and reads whole packets back, so tests can check the broker's CONNACK/DISCONNECT reason codes and that
 * it closed the connection.
 */
public final class RawMqttClient implements AutoCloseable {

    /** A packet read from the broker: first byte and body. */
    public record Packet(int header, byte[] body) {
        public int type() {
            return header >>> 4;
        }

        /** The reason code of a CONNACK (byte 2 of the body) or MQTT 5 DISCONNECT (byte 1, 0 if absent). */
        public int reasonCode() {
            if (type() == 2) {
                return body[1] & 0xFF;
            }
            return body.length == 0 ? 0 : body[0] & 0xFF;
        }

        @Override
        public String toString() {
            return "Packet{type=" + type() + ", body=" + Arrays.toString(body) + "}";
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawMqttClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public RawMqttClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends {@code header} with a correct remaining length in front of {@code body}. */
    public RawMqttClient sendPacket(int header, byte[] body) throws IOException {
        return send(packet(header, body));
    }

    /** Reads one packet, or returns null when the broker closed the connection. */
    public Packet read() throws IOException {
        int header = in.read();
        if (header < 0) {
            return null;
        }
        return readRest(header);
    }

    private Packet readRest(int header) throws IOException {
        int length = 0;
        int multiplier = 1;
        int digit;
        do {
            digit = in.read();
            if (digit < 0) {
                return null;
            }
            length += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0);
        byte[] body = in.readNBytes(length);
        return new Packet(header, body);
    }

    /**
     * Reads one packet if one starts arriving within {@code timeout}: empty when nothing arrived in time.
     * Once the first byte is there the rest of the packet is read with the normal (5 s) timeout.
     *
     * @throws java.io.EOFException when the broker closed the connection
     */
    public Optional<Packet> poll(Duration timeout) throws IOException {
        int previous = socket.getSoTimeout();
        int header;
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            header = in.read();
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } finally {
            socket.setSoTimeout(previous);
        }
        if (header < 0) {
            throw new java.io.EOFException("connection closed by the broker");
        }
        Packet packet = readRest(header);
        if (packet == null) {
            throw new java.io.EOFException("connection closed by the broker");
        }
        return Optional.of(packet);
    }

    /** Reads the next packet, failing if none arrives within {@code timeout} or the connection closes. */
    public Packet expect(Duration timeout) throws IOException {
        return poll(timeout).orElseThrow(() -> new AssertionError("no packet within " + timeout));
    }

    /** Reads the next packet and checks its type (e.g. 3 for PUBLISH, 4 for PUBACK). */
    public Packet expect(int type, Duration timeout) throws IOException {
        Packet packet = expect(timeout);
        if (packet.type() != type) {
            throw new AssertionError("expected packet type " + type + " but got " + packet);
        }
        return packet;
    }

    /**
     * Whether the broker closed the connection within {@code wait} (skipping anything it still sent);
     * false if the connection is still open after that. Suitable for polling.
     */
    public boolean isClosedByBroker(Duration wait) throws IOException {
        int previous = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by peer
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(previous);
            }
        }
    }

    /** Whether the broker closed the connection within the socket's read timeout (5 s), skipping anything it sent. */
    public boolean isClosedByBroker() throws IOException {
        return isClosedByBroker(Duration.ofMillis(socket.getSoTimeout()));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ------------------------------------------------------------------ packet building helpers

    public static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(header);
        writeVarInt(bytes, body.length);
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    public static void writeVarInt(ByteArrayOutputStream out, int value) {
        do {
            int digit = value % 128;
            value /= 128;
            if (value > 0) {
                digit |= 0x80;
            }
            out.write(digit);
        } while (value > 0);
    }

    public static byte[] string(String s) {
        return string(s.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] string(byte[] utf8) {
        byte[] result = new byte[utf8.length + 2];
        result[0] = (byte) (utf8.length >>> 8);
        result[1] = (byte) utf8.length;
        System.arraycopy(utf8, 0, result, 2, utf8.length);
        return result;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    public static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    /** The body of a CONNECT with clean start, keep alive 60 and no properties (level 4 or 5). */
    public static byte[] connectBody(int level, String clientId) {
        return concat(string("MQTT"), bytes(level, 0x02, 0, 60), level == 5 ? bytes(0) : new byte[0], string(clientId));
    }

    /** CONNECT then expect CONNACK success. */
    public RawMqttClient connect(int level, String clientId) throws IOException {
        sendPacket(0x10, connectBody(level, clientId));
        Packet connAck = read();
        if (connAck == null || connAck.type() != 2 || connAck.reasonCode() != 0) {
            throw new IOException("CONNECT refused: " + connAck);
        }
        return this;
    }
}
