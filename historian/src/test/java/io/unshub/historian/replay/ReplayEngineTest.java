package io.unshub.historian.replay;

import io.unshub.core.message.MessageProperties;
import io.unshub.historian.query.HistoryException;
import io.unshub.historian.query.HistoryRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ReplayEngineTest {

    private static final long T0 = 1_763_800_000_000L;

    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ListHistoryReader reader = new ListHistoryReader();

    @AfterEach
    void shutdown() {
        workers.shutdownNow();
        timers.shutdownNow();
    }

    private static HistoryRecord record(long sequence, long receivedAt, String topic) {
        return new HistoryRecord(sequence, receivedAt, topic, ("v" + sequence).getBytes(StandardCharsets.UTF_8), 1,
                false, MessageProperties.NONE, "plc-1");
    }

    private ReplayEngine engine(int pageSize) {
        return new ReplayEngine(reader, workers, timers, pageSize, 4);
    }

    @Test
    void asFastAsPossibleReplaysEveryMatchingRecordInSequenceOrderAcrossPages() throws Exception {
        for (int i = 1; i <= 50; i++) {
            reader.add(record(i, T0 + i, i % 2 == 0 ? "acme/press/_edge/speed" : "acme/paint/_edge/temp"));
        }
        RecordingSink sink = new RecordingSink();
        ReplayEngine engine = engine(7);
        ReplayRun run = engine.start(new ReplayRequest("acme/press/#", T0, T0 + 1000, 0, -1), sink);

        assertThat(sink.finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(run.state()).isEqualTo(ReplayRun.State.COMPLETED);
        assertThat(sink.sequences()).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 50).filter(i -> i % 2 == 0).boxed().toList());
        assertThat(run.emitted()).isEqualTo(25);
        assertThat(engine.replayed()).isEqualTo(25);
        assertThat(run.lastSequence()).isEqualTo(50);
        assertThat(reader.reads.get()).as("25 records in pages of 7").isEqualTo(4);
    }

    @Test
    void resumesAfterTheGivenSequenceAndKeepsToTheTimeRange() throws Exception {
        for (int i = 1; i <= 10; i++) {
            reader.add(record(i, T0 + i * 100L, "acme/press/_edge/speed"));
        }
        RecordingSink sink = new RecordingSink();
        engine(100).start(new ReplayRequest("#", T0 + 200, T0 + 900, 0, 4), sink);

        assertThat(sink.finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sink.sequences()).containsExactly(5L, 6L, 7L, 8L);
    }

    @Test
    void pacedReplayEmitsNoRecordBeforeItsOriginalGapDividedBySpeed() throws Exception {
        long[] gaps = {0, 300, 350, 800, 1200};
        for (int i = 0; i < gaps.length; i++) {
            reader.add(record(i + 1, T0 + gaps[i], "acme/press/_edge/speed"));
        }
        RecordingSink sink = new RecordingSink();
        double speed = 2;
        engine(2).start(new ReplayRequest("#", T0, T0 + 10_000, speed, -1), sink);

        assertThat(sink.finished.await(10, TimeUnit.SECONDS)).isTrue();
        Pacing pacing = new Pacing(speed);
        long first = sink.emittedAtNanos.get(0);
        for (int i = 0; i < gaps.length; i++) {
            long due = pacing.offsetNanos(T0, T0 + gaps[i]);
            assertThat(due).isEqualTo(TimeUnit.MILLISECONDS.toNanos(gaps[i]) / 2);
            long actual = sink.emittedAtNanos.get(i) - first;
            assertThat(actual).as("record %d emitted %d ns after the first, due after %d ns", i, actual, due)
                    .isGreaterThanOrEqualTo(due);
        }
        // Twice as fast: the whole replay takes well under the original 1.2 s (generous bound for a busy machine).
        assertThat(sink.emittedAtNanos.get(gaps.length - 1) - first).isLessThan(TimeUnit.MILLISECONDS.toNanos(1150));
    }

    @Test
    void pacingMath() {
        assertThat(new Pacing(0).offsetNanos(T0, T0 + 5000)).isZero();
        assertThat(new Pacing(1).offsetNanos(T0, T0 + 5000)).isEqualTo(5_000_000_000L);
        assertThat(new Pacing(0.5).offsetNanos(T0, T0 + 10)).isEqualTo(20_000_000L);
        assertThat(new Pacing(1).offsetNanos(T0, T0 - 10)).as("clock stepped back: due at once").isZero();
    }

    @Test
    void aSinkThatIsNotReadyBoundsTheRecordsInFlight() throws Exception {
        for (int i = 1; i <= 200; i++) {
            reader.add(record(i, T0 + i, "acme/press/_edge/speed"));
        }
        int window = 3;
        AtomicInteger outstanding = new AtomicInteger();
        AtomicInteger mostOutstanding = new AtomicInteger();
        RecordingSink sink = new RecordingSink() {
            @Override
            public boolean ready() {
                return outstanding.get() < window;
            }

            @Override
            public boolean emit(HistoryRecord record) {
                mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                return super.emit(record);
            }
        };
        ReplayRun run = engine(50).start(new ReplayRequest("#", T0, T0 + 1000, 0, -1), sink);
        // The receiver acknowledges one record at a time and says when it can take more.
        Thread receiver = Thread.ofVirtual().start(() -> {
            while (!run.finished()) {
                if (outstanding.get() > 0) {
                    outstanding.decrementAndGet();
                    run.wake();
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        assertThat(sink.finished.await(10, TimeUnit.SECONDS)).isTrue();
        receiver.join(5000);
        assertThat(sink.sequences()).hasSize(200);
        assertThat(mostOutstanding.get()).isLessThanOrEqualTo(window);
    }

    @Test
    void cancelStopsAWaitingReplayAndTellsTheSinkOnce() throws Exception {
        reader.add(record(1, T0, "acme/press/_edge/speed"));
        reader.add(record(2, T0 + 3_600_000, "acme/press/_edge/speed"));
        RecordingSink sink = new RecordingSink();
        ReplayEngine engine = engine(10);
        ReplayRun run = engine.start(new ReplayRequest("#", T0, T0 + 7_200_000, 1, -1), sink);
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.sequences().size() == 1);

        run.cancel();
        assertThat(sink.finished.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(run.state()).isEqualTo(ReplayRun.State.CANCELLED);
        assertThat(sink.sequences()).containsExactly(1L);
        assertThat(sink.finishedCalls.get()).isEqualTo(1);
        assertThat(engine.active()).isZero();
    }

    @Test
    void aReceiverThatIsGoneEndsTheReplay() throws Exception {
        for (int i = 1; i <= 5; i++) {
            reader.add(record(i, T0 + i, "acme/press/_edge/speed"));
        }
        RecordingSink sink = new RecordingSink() {
            @Override
            public boolean emit(HistoryRecord record) {
                super.emit(record);
                return record.sequence() < 2;
            }
        };
        ReplayRun run = engine(10).start(new ReplayRequest("#", T0, T0 + 1000, 0, -1), sink);
        assertThat(sink.finished.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(run.state()).isEqualTo(ReplayRun.State.CANCELLED);
        assertThat(sink.sequences()).containsExactly(1L, 2L);
    }

    @Test
    void aFailingStoreFailsTheReplayWithItsReason() throws Exception {
        reader.failure = new HistoryException("disk full", null);
        RecordingSink sink = new RecordingSink();
        ReplayRun run = engine(10).start(new ReplayRequest("#", T0, T0 + 1000, 0, -1), sink);
        assertThat(sink.finished.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(run.state()).isEqualTo(ReplayRun.State.FAILED);
        assertThat(run.failure()).contains("disk full");
    }

    @Test
    void theEngineRunsABoundedNumberOfReplays() {
        reader.add(record(1, T0, "a/_edge/x"));
        reader.add(record(2, T0 + 3_600_000, "a/_edge/x"));
        ReplayEngine engine = new ReplayEngine(reader, workers, timers, 10, 1);
        ReplayRun first = engine.start(new ReplayRequest("#", T0, T0 + 7_200_000, 1, -1), new RecordingSink());
        assertThatThrownBy(() -> engine.start(new ReplayRequest("#", T0, T0 + 1000, 0, -1), new RecordingSink()))
                .isInstanceOf(ReplayLimitException.class).hasMessageContaining("1 replays running");
        assertThat(engine.refused()).isEqualTo(1);
        assertThat(engine.started()).isEqualTo(1);
        first.cancel();
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.active() == 0);
    }

    @Test
    void badRequestsAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> new ReplayRequest("a/#/b", T0, T0 + 1, 0, -1)).hasMessageContaining("filter");
        assertThatThrownBy(() -> new ReplayRequest("$share/g/a/#", T0, T0 + 1, 0, -1)).hasMessageContaining("shared");
        assertThatThrownBy(() -> new ReplayRequest("a/#", T0 + 1, T0, 0, -1)).hasMessageContaining("from must be before to");
        assertThatThrownBy(() -> new ReplayRequest("a/#", T0, T0 + 1, -1, -1)).hasMessageContaining("speed");
        assertThatThrownBy(() -> new ReplayRequest("a/#", T0, T0 + 1, Double.NaN, -1)).hasMessageContaining("speed");
        assertThatThrownBy(() -> ReplayRequest.parseSpeed("speed", "fast", 1)).hasMessageContaining("not a number");
        assertThat(ReplayRequest.parseSpeed("speed", null, 1)).isEqualTo(1);
    }

    @Test
    void timesAreEpochMillisOrIso8601() {
        assertThat(TimeArgument.parse("from", "1763800000000")).isEqualTo(1_763_800_000_000L);
        assertThat(TimeArgument.parse("from", "2025-11-22T08:26:40Z")).isEqualTo(1_763_800_000_000L);
        assertThat(TimeArgument.parse("from", "2025-11-22T09:26:40+01:00")).isEqualTo(1_763_800_000_000L);
        assertThatThrownBy(() -> TimeArgument.parse("from", "yesterday")).hasMessageContaining("from is neither");
        assertThatThrownBy(() -> TimeArgument.parse("to", "")).hasMessageContaining("to is required");
    }

    /** Records what it gets and when. */
    static class RecordingSink implements ReplaySink {
        final List<HistoryRecord> records = new CopyOnWriteArrayList<>();
        final List<Long> emittedAtNanos = new CopyOnWriteArrayList<>();
        final CountDownLatch finished = new CountDownLatch(1);
        final AtomicInteger finishedCalls = new AtomicInteger();

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public boolean emit(HistoryRecord record) {
            emittedAtNanos.add(System.nanoTime());
            records.add(record);
            return true;
        }

        @Override
        public void finished(ReplayRun run) {
            finishedCalls.incrementAndGet();
            finished.countDown();
        }

        List<Long> sequences() {
            return records.stream().map(HistoryRecord::sequence).toList();
        }
    }
}
