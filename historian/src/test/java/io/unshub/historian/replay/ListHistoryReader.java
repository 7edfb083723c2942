package io.unshub.historian.replay;

import io.unshub.core.topic.TopicMatcher;
import io.unshub.historian.query.HistoryException;
import io.unshub.historian.query.HistoryRange;
import io.unshub.historian.query.HistoryReader;
import io.unshub.historian.query.HistoryRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The read contract over a list held in memory: a real, small implementation for the engine's unit tests. */
final class ListHistoryReader implements HistoryReader {

    private final List<HistoryRecord> records = new CopyOnWriteArrayList<>();
    final AtomicInteger reads = new AtomicInteger();
    volatile HistoryException failure;

    void add(HistoryRecord record) {
        records.add(record);
    }

    @Override
    public List<HistoryRecord> read(HistoryRange range) throws HistoryException {
        reads.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        List<HistoryRecord> page = new ArrayList<>();
        for (HistoryRecord record : records) {
            if (record.sequence() > range.afterSequence() && record.receivedAtMillis() >= range.fromMillis()
                    && record.receivedAtMillis() < range.toMillis() && TopicMatcher.matches(range.filter(), record.topic())) {
                page.add(record);
                if (page.size() == range.limit()) {
                    break;
                }
            }
        }
        return page;
    }
}
