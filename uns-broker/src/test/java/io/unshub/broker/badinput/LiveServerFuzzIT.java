package io.unshub.broker.badinput;

import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.testing.BrokerFixture;
import io.unshub.broker.testing.LeakRecorder;
import io.unshub.broker.testing.NoLeaks;
import io.unshub.broker.testing.RawMqttClient;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

import static io.unshub.broker.badinput.Packets.hex;
import static io.unshub.broker.testing.RawMqttClient.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fuzzes a live broker: each try connects a raw client with a valid CONNECT and then sends valid PUBLISH,
 * SUBSCRIBE, UNSUBSCRIBE, acknowledgement and PINGREQ packets (topics under "fuzz/") with bit flips, overwritten,
 * inserted, deleted or repeated bytes, or cut short, half-closes the socket and reads until the broker closes it.
 * After every try the broker must still accept connections and an observer subscribed to "observer/#" (no valid or
 * mutated packet here publishes there) must still be connected and have received nothing. At the end every
 * connection but the observer's is gone and Netty reported no leaked buffer.
 *
 * <p>jqwik does not run JUnit Jupiter extensions, so the broker lives in static state managed by the container
 * lifecycle methods, which also do what {@code @ExtendWith(NoLeaks.class)} does for Jupiter classes.
 */
class LiveServerFuzzIT {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static BrokerFixture fixture;
    private static Bystander observer;

    @BeforeContainer
    static void startBroker() throws IOException {
        LeakRecorder.clear();
        fixture = new BrokerFixture();
        BrokerConfig base = BrokerConfig.ephemeral().withSysInterval(Duration.ZERO);
        // Small limits so oversize packets, the receive maximum and topic aliases are reachable by mutation.
        fixture.start(base.withLimits(2_048, 4, 2, 100, base.maxKeepAliveSeconds()));
        observer = Bystander.subscribe(fixture.port(), "observer/#");
    }

    @AfterContainer
    static void stopBrokerAndCheckLeaks() throws IOException {
        try {
            if (observer != null) {
                await("only the observer is left connected").atMost(CLOSE_TIMEOUT)
                        .until(() -> fixture.broker().metrics().connectionsCurrent() == 1);
                observer.assertReceivedNothing();
                observer.close();
            }
        } finally {
            if (fixture != null) {
                fixture.stop();
            }
            NoLeaks.assertNoLeaks(LiveServerFuzzIT.class.getSimpleName());
        }
    }

    /** The packets after CONNECT and what was done to them. */
    record Input(int level, byte[] connect, byte[] stream, String origin) {
        @Override
        public String toString() {
            return "level " + level + ", " + origin + "\n  bytes" + (connect.length > 0 ? " after CONNECT: " : ": ")
                    + hex(stream);
        }
    }

    @Provide
    Arbitrary<Input> mutatedSessions() {
        return FuzzPackets.perLevel(List.of(4, 5), level -> Combinators.combine(
                        FuzzPackets.connect(level, "fuzz-client"),
                        FuzzPackets.anyPacket(level).list().ofMinSize(1).ofMaxSize(6),
                        FuzzPackets.mutations())
                .as((connect, packets, mutations) -> new Input(level, connect,
                        FuzzPackets.mutate(concat(packets.toArray(byte[][]::new)), mutations),
                        "mutations " + mutations)));
    }

    @Provide
    Arbitrary<Input> mutatedConnects() {
        return FuzzPackets.perLevel(List.of(3, 4, 5), level -> Combinators.combine(
                        FuzzPackets.connect(level, "fuzz-client"),
                        FuzzPackets.anyPacket(level).list().ofMaxSize(3),
                        FuzzPackets.mutations())
                .as((connect, packets, mutations) -> new Input(level, new byte[0],
                        FuzzPackets.mutate(concat(connect, concat(packets.toArray(byte[][]::new))), mutations),
                        "CONNECT included, mutations " + mutations)));
    }

    @Property(tries = 200)
    void mutatedPacketsAfterConnectHurtOnlyTheirConnection(@ForAll("mutatedSessions") Input input) throws IOException {
        fuzz(input);
    }

    @Property(tries = 100)
    void mutatedConnectsHurtOnlyTheirConnection(@ForAll("mutatedConnects") Input input) throws IOException {
        fuzz(input);
    }

    private static void fuzz(Input input) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", fixture.port())) {
            socket.setSoTimeout((int) CLOSE_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            if (input.connect().length > 0) {
                socket.getOutputStream().write(input.connect());
                byte[] connAck = new byte[4];
                assertThat(in.readNBytes(connAck, 0, 4)).isEqualTo(4);
                assertThat(connAck[0]).as("CONNACK for the valid CONNECT").isEqualTo((byte) 0x20);
                assertThat(connAck[3]).as("CONNACK reason code").isZero();
                in.readNBytes(connAck[1] - 2); // MQTT 5 properties
            }
            boolean written = write(socket, input.stream());
            if (written) {
                socket.shutdownOutput();
            }
            String last = readUntilClosed(in);
            Statistics.label("broker's last packet").collect(written ? last : "(closed while the client was sending)");
            assertThat(last).as("the broker closes a half-closed connection within %s", CLOSE_TIMEOUT)
                    .isNotEqualTo(LEFT_OPEN);
        }
        assertBrokerServesOthers();
    }

    private static boolean write(Socket socket, byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false; // the broker already closed the connection
        }
    }

    private static final String LEFT_OPEN = "(connection left open)";

    /**
     * Reads the packets the broker sends until it closes the connection, and names the last one (e.g.
     * "DISCONNECT 0x81"), or {@link #LEFT_OPEN} if the connection was not closed in time.
     */
    private static String readUntilClosed(InputStream in) throws IOException {
        String last = "(nothing)";
        try {
            while (true) {
                int header = in.read();
                if (header < 0) {
                    return last;
                }
                int length = 0;
                int multiplier = 1;
                int digit;
                do {
                    digit = in.read();
                    if (digit < 0) {
                        return last + " (cut short)";
                    }
                    length += (digit & 0x7F) * multiplier;
                    multiplier *= 128;
                } while ((digit & 0x80) != 0);
                byte[] body = in.readNBytes(length);
                int type = header >>> 4;
                last = switch (type) {
                    case 2 -> "CONNACK " + (body.length > 1 ? Verdict.hex(body[1] & 0xFF) : "?");
                    case 14 -> "DISCONNECT " + (body.length > 0 ? Verdict.hex(body[0] & 0xFF) : "0x00");
                    default -> "packet type " + type;
                };
            }
        } catch (SocketTimeoutException e) {
            return LEFT_OPEN;
        } catch (SocketException e) {
            return last + " (reset)";
        }
    }

    /** A new client can connect, and the observer is still connected and received nothing. */
    private static void assertBrokerServesOthers() throws IOException {
        assertThat(fixture.broker().isRunning()).as("broker running").isTrue();
        try (RawMqttClient probe = new RawMqttClient(fixture.port())) {
            probe.connect(5, "probe");
            probe.send(Packets.disconnect());
            assertThat(probe.isClosedByBroker()).as("probe disconnected").isTrue();
        }
        assertThat(observer.topicsReceivedBeforeMarker()).as("what the observer received").isEqualTo(List.of());
    }
}
