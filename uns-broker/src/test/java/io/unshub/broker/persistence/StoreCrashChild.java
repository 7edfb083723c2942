package io.unshub.broker.persistence;

import io.unshub.broker.config.BrokerConfig;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The process {@link StoreCrashIT} kills: opens the store, continues each client's queue where the
 * recovered state ends, and commits batches from several threads as fast as the store takes them, each
 * batch appending one queued message and updating a retained "last sequence" in the same batch. It
 * prints {@code ack <client> <sequence>} only after a batch's future completed, and is killed with
 * SIGKILL at a moment it does not know.
 *
 * <p>Arguments: data directory, durability ({@link Durability#parse}), number of client threads.
 */
public final class StoreCrashChild {

    static final int WINDOW = 8;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.parse(args[1]);
        int clients = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        RocksBrokerStore store = RocksBrokerStore.open(dir, durability);
        Map<String, RecoveredState.RecoveredSession> recovered = store.recover().sessions().stream()
                .collect(Collectors.toMap(s -> s.session().clientId(), Function.identity()));
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String client = "c" + c;
            RecoveredState.RecoveredSession session = recovered.get(client);
            long start = session == null ? 0 : session.nextSequence();
            threads.add(Thread.ofPlatform().name("caller-" + c).start(() -> run(store, client, start, out)));
        }
        synchronized (out) {
            out.println("ready");
            out.flush();
        }
        for (Thread thread : threads) {
            thread.join(); // never returns: the parent kills this process
        }
    }

    private static void run(RocksBrokerStore store, String client, long start, PrintStream out) {
        if (start == 0) {
            store.commit(new StoreBatch().putSession(
                    new SessionRecord(client, BrokerConfig.NEVER_EXPIRE, SessionRecord.CONNECTED, List.of())));
        }
        Semaphore window = new Semaphore(WINDOW);
        for (long seq = start; ; seq++) {
            window.acquireUninterruptibly();
            long sequence = seq;
            UnsMessage message = UnsMessage.of("crash/" + client, (client + ":" + seq).getBytes(StandardCharsets.US_ASCII),
                    1, false, MessageProperties.NONE, Origin.client("child"));
            StoreBatch batch = new StoreBatch()
                    .appendQueued(client, sequence, message, 1, false, null)
                    .putRetained(UnsMessage.of("last/" + client, Long.toString(sequence).getBytes(StandardCharsets.US_ASCII),
                            1, true, MessageProperties.NONE, Origin.client("child")));
            store.commit(batch).whenComplete((v, error) -> {
                window.release();
                if (error == null) {
                    synchronized (out) {
                        out.println("ack " + client + " " + sequence);
                        out.flush();
                    }
                }
            });
        }
    }
}
